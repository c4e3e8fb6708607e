/** A minimal typed event emitter that runs everywhere (no Node `events`, no DOM `EventTarget`). */

/** Listener of event `K` of map `M`. */
export type Listener<M, K extends keyof M> = M[K] extends unknown[] ? (...args: M[K]) => void : never;

/**
 * Listeners per event name. A listener that throws does not stop the others nor the client: its
 * error is rethrown in a microtask, so it shows up as an uncaught error instead of vanishing.
 */
export class TypedEmitter<M extends { [K in keyof M]: unknown[] }> {
  private readonly listeners = new Map<keyof M, unknown[]>();

  /** Add a listener; returns a function that removes it. */
  on<K extends keyof M>(event: K, listener: Listener<M, K>): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return () => this.off(event, listener);
  }

  /** Remove a listener added with {@link on}. */
  off<K extends keyof M>(event: K, listener: Listener<M, K>): void {
    const list = this.listeners.get(event);
    const at = list ? list.indexOf(listener) : -1;
    if (list && at >= 0) list.splice(at, 1);
  }

  /** Whether anyone listens to `event`. */
  hasListeners(event: keyof M): boolean {
    return (this.listeners.get(event)?.length ?? 0) > 0;
  }

  /** Call every listener of `event` with `args` (a copy of the list, so listeners may unsubscribe). */
  emit<K extends keyof M>(event: K, ...args: M[K]): void {
    const list = this.listeners.get(event);
    if (!list || list.length === 0) return;
    for (const listener of list.slice()) callSafely(listener as (...a: M[K]) => void, args);
  }
}

/** Call `fn` with `args`; an exception is rethrown in a microtask so that it is seen, not swallowed. */
export function callSafely<A extends unknown[]>(fn: (...a: A) => void, args: A): void {
  try {
    fn(...args);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}
