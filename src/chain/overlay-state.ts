/**
 * A throw-away view of a WorldState for calls, gas estimates and simulations: a WorldState that
 * reads through `base` (see state/reader.ts). An account is copied the first time the call reads
 * it, its storage read slot by slot, so whatever the call changes stays in the overlay, and the
 * overlay costs nothing for accounts the call does not touch, whatever the size of the state.
 */
import { WorldState } from '../state/world-state.js';

/** A WorldState whose changes never reach `base`. */
export function createOverlayState(base: WorldState): WorldState {
  return new WorldState(base);
}
