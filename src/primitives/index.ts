export * from './bytes.js';
export * from './hash.js';
export * from './rlp.js';
export * as words from './words.js';
export * from './address.js';
