import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReconnectingClient, type WebSocketLike } from '../../../shared/client/reconnecting-client';
import { ReconnectingHubConnection, statusFromInfo } from './client-adapter';
import { connectionText } from './connection-text';
import type { ConnectionStatus, GapInfo } from './hub-connection';

// A scripted socket: the test plays the hub, so the real ReconnectingClient runs without a network.
class ScriptedSocket implements WebSocketLike {
  static all: ScriptedSocket[] = [];
  readyState = 0;
  protocol = 'switchyard.v1';
  sent: string[] = [];
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor(readonly url: string) {
    ScriptedSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

afterEach(() => {
  ScriptedSocket.all = [];
  vi.useRealTimers();
});

function connect() {
  vi.useFakeTimers({ now: 1_000_000 });
  const client = new ReconnectingClient({ url: 'ws://127.0.0.1:7420/ws', WebSocket: ScriptedSocket, random: () => 0.5, pingIntervalMs: 0, idleTimeoutMs: 0 });
  const conn = new ReconnectingHubConnection(client);
  const statuses: ConnectionStatus[] = [];
  const gaps: GapInfo[] = [];
  conn.onStatus((s) => statuses.push(s));
  conn.onGap((g) => gaps.push(g));
  return { client, conn, statuses, gaps };
}

describe('ReconnectingHubConnection over the real ReconnectingClient', () => {
  it('reports connected, then "reconnecting in N s (attempt k)" after a drop', () => {
    const { conn, statuses } = connect();
    conn.start();
    ScriptedSocket.all[0]?.open();
    expect(statuses.at(-1)).toEqual({ kind: 'connected' });
    ScriptedSocket.all[0]?.drop();
    const s = statuses.at(-1);
    expect(s?.kind).toBe('reconnecting');
    expect(connectionText(s as ConnectionStatus, Date.now())).toMatch(/^reconnecting in \d+ s \(attempt 1\)$/);
    conn.close();
  });

  it('passes channel messages and turns recovered:false into a gap of that channel', () => {
    const { conn, gaps } = connect();
    const got: unknown[] = [];
    conn.subscribe('process:web', (m) => got.push(m.data));
    conn.start();
    const socket = ScriptedSocket.all[0] as ScriptedSocket;
    socket.open();
    expect(socket.sent.some((f) => f.includes('"subscribe"') && f.includes('process:web'))).toBe(true);
    socket.receive({ type: 'subscribed', channel: 'process:web', data: { seq: 10, epoch: 'e1', recovered: true } });
    socket.receive({ type: 'process_output', channel: 'process:web', seq: 10, data: 'hello', stream: 'stdout' });
    expect(got).toEqual(['hello']);
    socket.drop();
    vi.advanceTimersByTime(60_000);
    const again = ScriptedSocket.all.at(-1) as ScriptedSocket;
    again.open();
    again.receive({ type: 'subscribed', channel: 'process:web', data: { seq: 500, epoch: 'e1', recovered: false } });
    expect(gaps).toEqual([expect.objectContaining({ channel: 'process:web', resumed: true })]);
    conn.close();
  });

  it('maps a refused login to a session that ended', () => {
    const info = { state: 'failed', attempt: 0, delayMs: null, retryAt: null, connectedAt: null, protocol: null, lastError: 'HTTP 401', failure: 'auth', closedBeforeOpen: 3, sessionMaybeEnded: true } as const;
    expect(statusFromInfo(info)).toEqual({ kind: 'session-ended', reason: 'HTTP 401' });
    expect(statusFromInfo({ ...info, state: 'waiting', failure: null, attempt: 3, delayMs: 4000, retryAt: 5000 })).toEqual({
      kind: 'reconnecting', attempt: 3, delayMs: 4000, nextAttemptAt: 5000, sessionSuspect: true,
    });
  });
});
