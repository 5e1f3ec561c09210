/** Addresses: 20 bytes. Kept as lowercase 0x-hex strings at the edges and as bigints inside the EVM. */
import { bytesToHex, bytesToKey, hexToBytes, HexError, concatBytes, bigintToFixedBytes } from './bytes.js';
import { keccak256 } from './hash.js';
import { rlpEncode } from './rlp.js';
import { bigintToBytes } from './bytes.js';

export type Address = string; // '0x' + 40 lowercase hex digits

export function parseAddress(value: string, field = 'address'): Address {
  if (typeof value !== 'string' || !/^(0x)?[0-9a-fA-F]{40}$/.test(value)) {
    throw new HexError(`${field} is not a 20-byte address: ${String(value).slice(0, 50)}`);
  }
  return (value.startsWith('0x') ? value : '0x' + value).toLowerCase();
}

export function addressToBigint(address: Address): bigint {
  return BigInt(address);
}

export function bigintToAddress(value: bigint): Address {
  return '0x' + (value & ((1n << 160n) - 1n)).toString(16).padStart(40, '0');
}

export function addressToBytes(address: Address): Uint8Array {
  return hexToBytes(address);
}

export function bytesToAddress(bytes: Uint8Array): Address {
  if (bytes.length !== 20) throw new HexError(`address must be 20 bytes, got ${bytes.length}`);
  return bytesToHex(bytes);
}

/** CREATE: keccak256(rlp([sender, nonce]))[12:]. */
export function createAddress(sender: Address, nonce: bigint): Address {
  const encoded = rlpEncode([addressToBytes(sender), bigintToBytes(nonce)]);
  return bytesToHex(keccak256(encoded).subarray(12));
}

/** CREATE2 (EIP-1014): keccak256(0xff ++ sender ++ salt ++ keccak256(initcode))[12:]. */
export function create2Address(sender: Address, salt: bigint, initcodeHash: Uint8Array): Address {
  const data = concatBytes(Uint8Array.of(0xff), addressToBytes(sender), bigintToFixedBytes(salt, 32), initcodeHash);
  return bytesToHex(keccak256(data).subarray(12));
}

/** EIP-55 mixed-case checksum spelling of an address, for display. */
export function checksumAddress(address: Address): string {
  const hex = address.toLowerCase().replace(/^0x/, '');
  const hash = bytesToKey(keccak256(new TextEncoder().encode(hex)));
  let out = '0x';
  for (let i = 0; i < 40; i++) out += parseInt(hash[i]!, 16) >= 8 ? hex[i]!.toUpperCase() : hex[i]!;
  return out;
}
