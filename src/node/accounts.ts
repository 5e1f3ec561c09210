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
import { bytesToBigint, hexToBytes } from '../primitives/bytes.js';
import type { Transaction } from '../tx/types.js';
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

/**
 * The first ten accounts of the public test mnemonic at the default path (the ones Anvil and
 * Hardhat print): deriving them takes some 150 ms of elliptic-curve work at every start, for
 * keys everyone knows. `deriveFromMnemonic` gives the same (a test checks it).
 */
const TEST_ACCOUNTS: readonly [privateKey: string, address: Address][] = [
  ['ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266'],
  ['59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'],
  ['5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a', '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc'],
  ['7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6', '0x90f79bf6eb2c4f870365e785982e1f101e93b906'],
  ['47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a', '0x15d34aaf54267db7d7c367839aaf71a00a2c6a65'],
  ['8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba', '0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc'],
  ['92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e', '0x976ea74026e726554db657fa54763abd0c3a0aa9'],
  ['4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356', '0x14dc79964da2c08b23698b3d3cc7ca32193d9955'],
  ['dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97', '0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f'],
  ['2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6', '0xa0ee7a142d267c1f36714e4a8f75612f20a79720'],
];

export function deriveDevAccounts(mnemonic: string, count: number, path = DEFAULT_DERIVATION_PATH): DevAccount[] {
  const words = mnemonic.trim().split(/\s+/).join(' ');
  if (words === TEST_MNEMONIC && path === DEFAULT_DERIVATION_PATH && count <= TEST_ACCOUNTS.length) {
    return TEST_ACCOUNTS.slice(0, count).map(([key, address]) => ({ address, privateKey: hexToBytes('0x' + key), keyIsPublic: true }));
  }
  return deriveFromMnemonic(words, count, path);
}

/** BIP-32 derivation of `count` accounts under `path` from a BIP-39 mnemonic. */
export function deriveFromMnemonic(mnemonic: string, count: number, path = DEFAULT_DERIVATION_PATH): DevAccount[] {
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
function signatureKey(r: bigint, s: bigint, yParity: bigint): string {
  return `${r.toString(16)}:${s.toString(16)}:${yParity}`;
}

export class DevKeys {
  readonly accounts: DevAccount[];
  /** The dev accounts' public keys, for a fast check of who signed a raw transaction. */
  readonly signers = new KnownSigners();
  /** Addresses that send without a key (anvil_impersonateAccount). */
  readonly impersonated = new Set<Address>();
  /** Every address sends without a key (anvil_autoImpersonateAccount). */
  autoImpersonate = false;
  /**
   * Signatures that stand for an address (anvil_impersonateSignature): a raw transaction signed
   * with one is sent by that address, unrecovered. Keyed by r, s and the y-parity.
   */
  readonly signatures = new Map<string, Address>();
  readonly #byAddress = new Map<Address, DevAccount>();

  constructor(accounts: DevAccount[]) {
    this.accounts = accounts;
    for (const account of accounts) {
      this.#byAddress.set(account.address, account);
      this.signers.add(account.privateKey, account.address);
    }
  }

  /** The dev account of `address`, with its key, when the node holds it. */
  account(address: Address): DevAccount | undefined {
    return this.#byAddress.get(address);
  }

  privateKeyOf(address: Address): Uint8Array | undefined {
    return this.#byAddress.get(address)?.privateKey;
  }

  /** anvil_impersonateSignature: 65 bytes r ‖ s ‖ v (v 0/1 or 27/28) now stand for `address`. */
  impersonateSignature(signature: Uint8Array, address: Address): void {
    if (signature.length !== 65) throw new RangeError(`a signature has 65 bytes (r, s, v), not ${signature.length}`);
    const v = signature[64]!;
    if (v !== 0 && v !== 1 && v !== 27 && v !== 28) throw new RangeError(`v = ${v}: expected 0, 1, 27 or 28`);
    const r = bytesToBigint(signature.subarray(0, 32));
    const s = bytesToBigint(signature.subarray(32, 64));
    this.signatures.set(signatureKey(r, s, BigInt(v >= 27 ? v - 27 : v)), address);
  }

  /** The address a transaction's signature stands for, when it was impersonated. */
  impersonatedSigner(tx: Pick<Transaction, 'type' | 'v' | 'r' | 's'>): Address | undefined {
    if (this.signatures.size === 0) return undefined;
    // Legacy v is 27/28, or 35/36 + 2·chainId (EIP-155): its parity is the y-parity's.
    const yParity = tx.type !== 0 ? tx.v : tx.v >= 35n ? (tx.v - 35n) & 1n : tx.v - 27n;
    return this.signatures.get(signatureKey(tx.r, tx.s, yParity));
  }

  /** Whether `address` may send without a key. */
  isImpersonated(address: Address): boolean {
    return this.autoImpersonate || this.impersonated.has(address);
  }
}
