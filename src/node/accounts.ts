/**
 * Dev accounts: derived from a BIP-39 mnemonic along BIP-44 m/44'/60'/0'/0/i, as Anvil and
 * Hardhat derive them, so the well-known test mnemonic gives the well-known addresses.
 */
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { HDKey } from '@scure/bip32';
import type { Address } from '../primitives/address.js';
import { privateKeyToAddress } from '../tx/keys.js';
import { KnownSigners } from '../tx/signers.js';
import { nodeBuiltin } from '../primitives/node-require.js';

/** The test mnemonic every dev chain uses: its keys are public, so its accounts are too. */
export const TEST_MNEMONIC = 'test test test test test test test test test test test junk';
export const DEFAULT_DERIVATION_PATH = "m/44'/60'/0'/0";

export interface DevAccount {
  address: Address;
  privateKey: Uint8Array;
  /**
   * The key is derived from the public test mnemonic: anyone has it, so signing needs no
   * side-channel protection (the node then signs about twice as fast).
   */
  keyIsPublic?: boolean;
}

export class MnemonicError extends Error {
  override name = 'MnemonicError';
}

/** BIP-39 seed: PBKDF2-HMAC-SHA512 of the NFKD mnemonic, salted with "mnemonic", 2048 rounds. */
function mnemonicToSeed(mnemonic: string): Uint8Array {
  const normalized = mnemonic.normalize('NFKD');
  // Node's native PBKDF2 takes about 2 ms here, @noble/hashes (any JavaScript runtime) about 30.
  const crypto = nodeBuiltin<typeof import('node:crypto')>('node:crypto');
  if (crypto) return new Uint8Array(crypto.pbkdf2Sync(normalized, 'mnemonic', 2048, 64, 'sha512'));
  return pbkdf2(sha512, normalized, 'mnemonic', { c: 2048, dkLen: 64 });
}

export function deriveDevAccounts(mnemonic: string, count: number, path = DEFAULT_DERIVATION_PATH): DevAccount[] {
  const words = mnemonic.trim().split(/\s+/).join(' ');
  if (!validateMnemonic(words, wordlist)) throw new MnemonicError('the mnemonic is not a valid BIP-39 English mnemonic');
  const parent = HDKey.fromMasterSeed(mnemonicToSeed(words)).derive(path);
  const keyIsPublic = words === TEST_MNEMONIC;
  const accounts: DevAccount[] = [];
  for (let i = 0; i < count; i++) {
    const privateKey = parent.deriveChild(i).privateKey;
    if (!privateKey) throw new MnemonicError(`no private key at ${path}/${i}`);
    accounts.push({ address: privateKeyToAddress(privateKey), privateKey, keyIsPublic });
  }
  return accounts;
}

/** Who may send from an address: the dev accounts with their keys, and impersonated addresses. */
export class DevKeys {
  readonly accounts: DevAccount[];
  /** The dev accounts' public keys, for a fast check of who signed a raw transaction. */
  readonly signers = new KnownSigners();
  /** Addresses that send without a key (anvil_impersonateAccount). */
  readonly impersonated = new Set<Address>();
  /** Every address sends without a key (anvil_autoImpersonateAccount). */
  autoImpersonate = false;
  readonly #byAddress = new Map<Address, DevAccount>();

  constructor(accounts: DevAccount[]) {
    this.accounts = accounts;
    for (const account of accounts) {
      this.#byAddress.set(account.address, account);
      this.signers.add(account.privateKey);
    }
  }

  /** The dev account of `address`, with its key, when the node holds it. */
  account(address: Address): DevAccount | undefined {
    return this.#byAddress.get(address);
  }

  privateKeyOf(address: Address): Uint8Array | undefined {
    return this.#byAddress.get(address)?.privateKey;
  }

  /** Whether `address` may send without a key. */
  isImpersonated(address: Address): boolean {
    return this.autoImpersonate || this.impersonated.has(address);
  }
}
