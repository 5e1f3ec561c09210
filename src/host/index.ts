/**
 * The seam between the VMs, the frame loop and the state (the idea of EVMC). Types and the
 * outcome codes only: the EVM and future VMs depend on this, never on exec/ or state/.
 */
export type { Log, BlockContext, TxContext } from './context.js';
export type { Host, JournaledHost } from './host.js';
export type {
  CodeKind,
  Message,
  CallRequest,
  CreateRequest,
  FrameRequest,
  ResolvedCode,
  Activation,
  CodeResolver,
  TracedFrame,
  Tracer,
  TracedCallType,
  TracedEnter,
  TracedExit,
  TracedTxStart,
  TracedTxEnd,
  HostCall,
  Environment,
} from './message.js';
export type { ChildRunner, FrameResult, VmFrame, VirtualMachine } from './frame.js';
export { Status, isExceptional, statusMessage, succeeded } from './status.js';
