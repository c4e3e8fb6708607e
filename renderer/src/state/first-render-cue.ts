/**
 * When the page's first render may start. That render holds the main thread for tens of ms
 * (React's first mount, the first layout), and every socket event waits behind it: rendered at
 * once, it delays the handshake's answer and with it the subscribes. Rendered once the hub has
 * told the process list, the subscribes are already out and the hub prepares their replays while
 * the page renders. Nothing is lost: the page cannot show more than an empty frame before that.
 */
import type { DashboardState, DashboardStore } from './dashboard-store';

/** Whether the store holds enough to be worth a first render. */
function worthRendering(state: DashboardState): boolean {
  const kind = state.connection.kind;
  // Anything but a connection on its way (reconnecting, session ended, closed) is news to show.
  return state.processes.length > 0 || (kind !== 'connecting' && kind !== 'connected');
}

/** Resolves once the process list is known, the connection is in trouble, or after `maxMs`. */
export function firstRenderCue(store: DashboardStore, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (worthRendering(store.getState())) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    const unsubscribe = store.subscribe((state) => {
      if (worthRendering(state)) done();
    });
  });
}
