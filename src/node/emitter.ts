/**
 * The events of an EIP-1193 provider (`on('message')` for subscriptions), without Node's
 * `events` module so the in-memory node runs in a browser. Same calls and order as Node's
 * EventEmitter for what providers use: on/addListener, once, off/removeListener,
 * removeAllListeners, emit, listenerCount, listeners.
 */
type Listener = (...args: any[]) => void;

/** A `once` wrapper remembers the listener it stands for, so `off(listener)` removes it. */
type Registered = Listener & { listener?: Listener };

export class Emitter {
  #listeners = new Map<string | symbol, Registered[]>();

  on(event: string | symbol, listener: Listener): this {
    const list = this.#listeners.get(event);
    // Copy on write: an emit in progress keeps calling the listeners it started with.
    this.#listeners.set(event, list ? [...list, listener] : [listener]);
    return this;
  }

  addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  once(event: string | symbol, listener: Listener): this {
    const wrapper: Registered = (...args: unknown[]) => {
      this.off(event, wrapper);
      listener.apply(this, args);
    };
    wrapper.listener = listener;
    return this.on(event, wrapper);
  }

  /** Removes the most recently added registration of `listener`, as Node does. */
  off(event: string | symbol, listener: Listener): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    let index = list.length - 1;
    while (index >= 0 && list[index] !== listener && list[index]!.listener !== listener) index--;
    if (index < 0) return this;
    const rest = list.filter((_, i) => i !== index);
    if (rest.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, rest);
    return this;
  }

  removeListener(event: string | symbol, listener: Listener): this {
    return this.off(event, listener);
  }

  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.#listeners.get(event);
    if (!list) return false;
    for (const listener of list) listener.apply(this, args);
    return true;
  }

  listenerCount(event: string | symbol): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  listeners(event: string | symbol): Listener[] {
    return (this.#listeners.get(event) ?? []).map((entry) => entry.listener ?? entry);
  }
}
