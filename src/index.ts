/** polyvm's public API. */
export { createEvm, defaultBlock, type Evm, type CreateEvmOptions, type AccountInit } from './create-evm.js';
export { runTransaction, runValidatedTransaction, type TransactionResult, type TransactionOptions } from './exec/transaction.js';
export { validateTransaction, type ValidatedTransaction, type ValidationOptions } from './tx/validate.js';
export type { CallParameters, CallResult } from './exec/call.js';
export { createJsonTracer } from './evm/eip3155-tracer.js';
export { getRules, parseFork, FORK_ORDER, DEFAULT_FORK, type ForkName, type Rules, type ChainOptions } from './forks/index.js';
export { WorldState } from './state/world-state.js';
export type { StateReader, AccountFields } from './state/reader.js';
export { Account } from './state/account.js';
export { stateRoot, logsHash } from './state/roots.js';
export * from './primitives/index.js';
export { InvalidTransactionError, type Transaction, type AccessListEntry, type Authorization } from './tx/types.js';
export type { BlockContext, Host, JournaledHost, Log, Tracer } from './host/index.js';
export { loadKzgSetup, loadPrecompiles, KzgSetupError, PrecompileNotLoadedError } from './evm/precompiles/lazy.js';
export { initBrotliDecoder, loadBrotliDecoder, brotliDecoderReady, BrotliDecoderMissingError } from './wasm/decompress.js';
export { deployCode, isProgram, splitProgram, ProgramFormatError } from './wasm/format.js';
export { compressProgram } from './wasm/compress.js';
