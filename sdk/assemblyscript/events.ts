/**
 * Events (LOG0-LOG4): topic0 is keccak256 of the signature, as Solidity emits a non-anonymous
 * event; then up to three indexed values, each one 32-byte topic; the other values are the
 * ABI-encoded data.
 *
 *   new Event('Transfer(address,address,uint256)').address(from).address(to).data(new AbiWriter().u256(value)).emit();
 */
import { U256 } from './u256';
import { Address } from './address';
import { AbiWriter } from './abi';
import { keccak256String } from './crypto';
import { emit_log } from './vm_hooks';

export class Event {
  private topics: Array<Uint8Array> = [];
  private body: Uint8Array = new Uint8Array(0);

  /** An event whose topic0 is keccak256(signature), e.g. "Approval(address,address,uint256)". */
  constructor(signature: string) {
    this.topics.push(keccak256String(signature));
  }

  /** An anonymous event or one whose topic0 is already known (32 bytes): no signature hashing. */
  static withTopic0(topic0: Uint8Array | null): Event {
    const e = new Event('');
    e.topics.length = 0;
    if (topic0 !== null) e.topic(topic0);
    return e;
  }

  /** An indexed value as a raw 32-byte topic (bytes32, or the keccak of an indexed string). */
  topic(word: Uint8Array): Event {
    if (word.length != 32) throw new RangeError('a topic is 32 bytes');
    if (this.topics.length == 4) throw new RangeError('at most 4 topics');
    this.topics.push(word);
    return this;
  }

  /** An indexed address. */
  address(value: Address): Event {
    return this.topic(value.toWord());
  }

  /** An indexed uint256. */
  u256(value: U256): Event {
    return this.topic(value.toBytes());
  }

  /** An indexed bool. */
  bool(value: bool): Event {
    return this.topic(value ? U256.one().toBytes() : new Uint8Array(32));
  }

  /** The non-indexed values. */
  data(values: AbiWriter): Event {
    this.body = values.encode();
    return this;
  }

  /** Emits the log. Traps in a static call, as LOG does. */
  emit(): void {
    const n = this.topics.length;
    const buf = new Uint8Array(32 * n + this.body.length);
    for (let i = 0; i < n; i++) memory.copy(buf.dataStart + 32 * <usize>i, this.topics[i].dataStart, 32);
    memory.copy(buf.dataStart + 32 * <usize>n, this.body.dataStart, <usize>this.body.length);
    emit_log(buf.dataStart, <usize>buf.length, <usize>n);
  }
}
