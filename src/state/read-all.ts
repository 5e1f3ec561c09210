/** A whole state copied out of a reader that can list itself (loading a store into memory). */
import type { Address } from '../primitives/address.js';
import { Account } from './account.js';
import type { StateReader } from './reader.js';

export function readAllAccounts(reader: StateReader): Map<Address, Account> {
  if (reader.addresses === undefined || reader.storageEntries === undefined)
    throw new Error('readAllAccounts: this state cannot be listed');
  const accounts = new Map<Address, Account>();
  for (const address of reader.addresses()) {
    const fields = reader.readAccount(address);
    if (fields === undefined) continue;
    const account = Account.fromFields(fields);
    for (const [slot, value] of reader.storageEntries(address)) if (value !== 0n) account.storage.set(slot, value);
    accounts.set(address, account);
  }
  return accounts;
}
