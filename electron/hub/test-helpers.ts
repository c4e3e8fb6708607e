/** Helpers for the hub's tests: a hub on port 0 and real `ws` clients that record what they get. */
import WebSocket from 'ws';
import type { Message } from '../../shared/protocol';
import { serveHub } from '../http/hub-server';
import { Hub, type HubOptions } from './hub';

/** The operator token every test hub accepts. */
export const TOKEN = 'test-operator-token-0123456789abcdef';
/** A viewer token every test hub accepts. */
export const VIEWER_TOKEN = 'test-viewer-token-0123456789abcdef';

/** A hub behind the HTTP front on a free loopback port; `hub.close()` also closes the front. */
export async function startHub(options: HubOptions = {}, port = 0): Promise<{ hub: Hub; port: number; url: string }> {
  const hub = new Hub({
    tokens: { [TOKEN]: 'alice', [VIEWER_TOKEN]: { userId: 'victor', role: 'viewer' } },
    ...options,
  });
  const served = await serveHub(hub, { port, portExplicit: true });
  const close = hub.close.bind(hub);
  hub.close = () => close().then(() => served.close());
  return { hub, port: served.port, url: served.url };
}

/** How a test client connects. */
export interface ConnectOptions {
  /** Bearer token in the header (default {@link TOKEN}; null for none). */
  token?: string | null;
  /** Subprotocols to offer. */
  protocols?: string[];
  /** Extra headers (Origin, Cookie, Host). */
  headers?: Record<string, string>;
}

/** A real `ws` client that splits batched frames and records every message. */
export class TestClient {
  readonly messages: Message[] = [];
  frames = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: { pred: (m: Message) => boolean; resolve: (m: Message) => void; from: number }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames++;
      for (const line of data.toString().split('\n')) {
        const message = JSON.parse(line) as Message;
        this.messages.push(message);
        this.waiters = this.waiters.filter((w) => {
          if (!w.pred(message)) return true;
          w.resolve(message);
          return false;
        });
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Connect and wait for the upgrade. */
  static open(url: string, options: ConnectOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: headersOf(options) });
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** Send one message (an object, or raw text). */
  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message (already received or still to come) matching `pred`. */
  waitFor(pred: (m: Message) => boolean, timeoutMs = 5000): Promise<Message> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting; got ${JSON.stringify(this.messages.slice(-5))}`)), timeoutMs);
      this.waiters.push({ pred, from: 0, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  /** Subscribe and wait for `subscribed`. */
  async subscribe(channel: string, extra: { since?: number; epoch?: string } = {}): Promise<Message> {
    const before = this.messages.length;
    this.send({ type: 'subscribe', channel, ...extra });
    return this.waitFor((m) => m.type === 'subscribed' && m.channel === channel && this.messages.indexOf(m) >= before);
  }

  /** Send a request and wait for its response. */
  request(method: string, params?: unknown, id: string | number = `r${Math.random()}`): Promise<Message> {
    this.send({ type: 'request', id, data: { method, params } });
    return this.waitFor((m) => m.type === 'response' && (m as { id?: unknown }).id === id);
  }

  /** Messages of a channel of a given type. */
  on(channel: string, type?: string): Message[] {
    return this.messages.filter((m) => m.channel === channel && (type === undefined || m.type === type));
  }

  /** Close and wait for the close event. */
  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}

/** The HTTP status an upgrade gets (101 when it succeeds). */
export function upgradeStatus(url: string, options: ConnectOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: headersOf(options) });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/** Poll a condition on the hub's state (not a timing claim: it waits for an event with no signal). */
export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function headersOf(options: ConnectOptions): Record<string, string> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  return headers;
}
