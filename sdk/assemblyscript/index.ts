/**
 * polyvm's AssemblyScript SDK for Stylus-format programs: import everything from here.
 * See README.md beside this file.
 */
export * from './u256';
export * from './address';
export * from './crypto';
export * from './abi';
export * from './storage';
export * from './context';
export * from './events';
export * from './call';
export * from './revert';
export * from './panic';
export * from './entrypoint';
export * from './hex';
export * from './debug';
// The raw host functions: import { storage_load_bytes32, … } from 'polyvm/sdk/assemblyscript/vm_hooks'.
