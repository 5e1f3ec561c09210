/**
 * The journal: every change to the world state during a transaction, as undo entries. A
 * checkpoint is the journal's length; reverting pops entries back to it (revm's design).
 */
import type { Address } from '../primitives/address.js';
import type { Account } from './account.js';

export const enum Change {
  AccountCreated,
  Balance,
  Nonce,
  Code,
  Storage,
  TransientStorage,
  WarmAddress,
  WarmSlot,
  Refund,
  Log,
  Touched,
  Selfdestructed,
  CreatedInTx,
  AccountReplaced,
}

export type JournalEntry =
  | { kind: Change.AccountCreated; address: Address }
  | { kind: Change.Balance; account: Account; previous: bigint }
  | { kind: Change.Nonce; account: Account; previous: bigint }
  | { kind: Change.Code; account: Account; previous: Uint8Array }
  | { kind: Change.Storage; account: Account; slot: bigint; previous: bigint }
  | { kind: Change.TransientStorage; address: Address; slot: bigint; previous: bigint }
  | { kind: Change.WarmAddress; address: Address }
  | { kind: Change.WarmSlot; address: Address; slot: bigint }
  | { kind: Change.Refund; previous: number }
  | { kind: Change.Log }
  | { kind: Change.Touched; address: Address }
  | { kind: Change.Selfdestructed; address: Address }
  | { kind: Change.CreatedInTx; address: Address }
  | { kind: Change.AccountReplaced; address: Address; previous: Account };
