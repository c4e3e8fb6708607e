/** Small operations on a standard WebSocket that the browser's and ws's both support. */
import { READY_STATE, type ClientTimers, type WebSocketLike } from './client-types';

/** The subprotocol the client always offers: it lets the hub batch several messages per frame. */
export const SUBPROTOCOL = 'switchyard.v1';

/** Close code the client uses when it drops a connection itself (dead, or too slow to open). */
export const CLOSE_ABANDONED = 4000;

const noop = (): void => {};

/** What to offer in the handshake: always `switchyard.v1`, and the token as a subprotocol or a header. */
export function handshake(
  token: string | undefined,
  tokenVia: 'subprotocol' | 'header',
  extraHeaders: Record<string, string> | undefined,
): { protocols: string[]; headers: Record<string, string> | undefined } {
  const protocols = [SUBPROTOCOL];
  let headers = extraHeaders ? { ...extraHeaders } : undefined;
  if (token) {
    if (tokenVia === 'header') headers = { ...headers, Authorization: `Bearer ${token}` };
    else protocols.push(`bearer.${token}`);
  }
  return { protocols, headers };
}

/** Stop hearing from a socket. No-ops rather than null: ws throws on an 'error' event nobody listens to. */
export function detach(socket: WebSocketLike): void {
  socket.onopen = noop;
  socket.onmessage = noop;
  socket.onerror = noop;
  socket.onclose = noop;
}

/** Drop a socket we no longer trust: close it, and with ws also destroy the TCP connection at once. */
export function abandon(socket: WebSocketLike, reason: string): void {
  detach(socket);
  try {
    socket.close(CLOSE_ABANDONED, reason);
  } catch {
    /* already closing */
  }
  terminate(socket);
}

/**
 * ws only: destroy the TCP connection now. A half-open connection never completes a close
 * handshake; a browser has no such call and handles that itself.
 */
export function terminate(socket: WebSocketLike): void {
  const t = (socket as { terminate?: unknown }).terminate;
  if (typeof t === 'function') {
    try {
      t.call(socket);
    } catch {
      /* already gone */
    }
  }
}

/** The text of an error event: ws's ErrorEvent carries one; a browser's Event carries none. */
export function eventText(event: unknown): string | undefined {
  const e = event as { message?: unknown; error?: { message?: unknown } } | null;
  if (typeof e?.message === 'string' && e.message) return e.message;
  if (typeof e?.error?.message === 'string' && e.error.message) return e.error.message;
  return undefined;
}

/** The message of anything thrown. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Close a socket with 1000 and resolve when it has closed, or after `graceMs` when the peer does
 * not answer the close handshake (the socket is then dropped: ws's terminate(), the browser's own
 * timeout). Leaves no timer behind.
 */
export function closeGracefully(socket: WebSocketLike, timers: ClientTimers, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    let timer: unknown = undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      socket.onclose = noop;
      resolve();
    };
    if (socket.readyState === READY_STATE.CLOSED) return finish();
    socket.onclose = finish;
    timer = timers.setTimeout(() => {
      timer = undefined;
      terminate(socket);
      finish();
    }, graceMs);
    try {
      socket.close(1000, 'client closed');
    } catch {
      terminate(socket); // a socket that cannot even close: drop it
      finish();
    }
  });
}
