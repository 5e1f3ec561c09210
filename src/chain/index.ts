/** Block building and the rules of a block: headers, fees, receipts, blooms, roots, system calls. */
export * from './header.js';
export * from './fees.js';
export * from './bloom.js';
export * from './receipt.js';
export * from './block.js';
export * from './builder.js';
export * from './block-context.js';
export * from './state-root.js';
export * from './commit.js';
export * from './overlay-state.js';
export * from './system-contracts.js';
export * from './withdrawals.js';
export * from './block-error.js';
export * from './import.js';
export * from './header-rules.js';
export * from './fork-schedule.js';
export * from './dao.js';
