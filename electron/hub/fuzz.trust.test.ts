// Trust (issue #6): property-based fuzzing against a REAL hub connection, not just the decoder
// (shared/protocol/codec.test.ts already proves decodeFrame never throws for any input).
// 1. Arbitrary frames: the connection answers with `error`s (and the replies a valid message
//    earns) or closes cleanly with a documented code; never 1011 (a hub bug), and the hub keeps
//    serving a healthy subscriber.
// 2. Arbitrary requests to every registered method (hub.* and, through a real Supervisor,
//    process.*), with arbitrary params: always exactly one `response` with the request's id,
//    never an `internal` error (a handler that throws on bad params is a bug).
// The supervisor runs its commands through `/bin/true` instead of a shell, so that whatever
// the fuzzer asks `process.add` to run, nothing is executed.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_TYPES, type Message } from '../../shared/protocol';
import { Supervisor } from '../supervisor';
import type { Hub } from './hub';
import { CloseCode } from './hub';
import { startHub, TestClient } from './test-helpers';

let hub: Hub;
let url: string;
let healthy: TestClient;
let supervisor: Supervisor;
let probe = 0;

beforeAll(async () => {
  // No rate limit in the way: the fuzzer must reach the decoder and the dispatcher, not the bucket.
  ({ hub, url } = await startHub({ rateLimit: { perSecond: 1e9, burst: 1e9, maxStrikes: 1e9 } }));
  supervisor = new Supervisor({
    hub,
    shell: '/bin/true',
    watchdog: false,
    definitions: [
      { id: 'idle', command: 'sleep 1000', autostart: false },
      { id: 'web', command: 'echo web' },
    ],
  });
  supervisor.start();
  healthy = await TestClient.open(url);
  await healthy.subscribe('canary');
});
afterAll(async () => {
  healthy.ws.terminate();
  await supervisor.close();
  await hub.close();
});

async function stillServing(): Promise<void> {
  const data = `alive ${++probe}`;
  hub.publish('canary', { type: 'event', data });
  await healthy.waitFor((m) => m.data === data);
}

const METHODS = ['process.list', 'process.start', 'process.stop', 'process.restart', 'process.add', 'process.remove', 'hub.stats', 'hub.loginLink', 'hub.disconnect'];
const channelArb = fc.oneof(fc.constantFrom('canary', 'chat', 'process:idle', 'process:web', 'processes', 'hub:stats', 'hub:x', ''), fc.string({ maxLength: 300 }));
const idArb = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double(), fc.constant(null), fc.boolean(), fc.object());
const paramsArb = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record(
    {
      id: fc.oneof(fc.constantFrom('idle', 'web', 'ghost', '', 'fuzz', '../x', 'a'.repeat(300)), fc.string()),
      role: fc.oneof(fc.constantFrom('operator', 'viewer', 'root'), fc.anything()),
      clientId: fc.oneof(fc.string(), fc.integer()),
      command: fc.oneof(fc.constantFrom('true', 'echo fuzz'), fc.anything({ maxDepth: 1 })),
      cwd: fc.oneof(fc.constantFrom('/', '/nonexistent', '.'), fc.anything({ maxDepth: 1 })),
      env: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything({ maxDepth: 2 })),
      autostart: fc.anything({ maxDepth: 1 }),
      restart: fc.oneof(fc.constantFrom('never', 'always', 'on-failure', 'sometimes'), fc.anything({ maxDepth: 2 })),
      stopSignal: fc.oneof(fc.constantFrom('SIGTERM', 'SIGKILL', 'SIGNOPE'), fc.anything({ maxDepth: 1 })),
      stopGraceMs: fc.oneof(fc.integer(), fc.double(), fc.string()),
    },
    { requiredKeys: [] },
  ),
);

/** A message-shaped object with every field possibly wrong. */
const messageArb = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...MESSAGE_TYPES), fc.string({ maxLength: 20 })),
    channel: channelArb,
    data: fc.oneof(channelArb, fc.record({ method: fc.oneof(fc.constantFrom(...METHODS), fc.string()), params: paramsArb }, { requiredKeys: [] }), fc.anything({ maxDepth: 3 })),
    since: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(-1), fc.constant(Number.MAX_SAFE_INTEGER)),
    epoch: fc.oneof(fc.string({ maxLength: 30 }), fc.anything({ maxDepth: 1 })),
    id: idArb,
    seq: fc.anything({ maxDepth: 1 }),
    stream: fc.oneof(fc.constantFrom('stdout', 'stderr'), fc.string()),
    timestamp: fc.anything({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);

/** One frame as sent: text (JSON or not, batched or not) or binary. */
const frameArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  messageArb.map((m) => JSON.stringify(m)),
  fc.array(messageArb, { minLength: 2, maxLength: 5 }).map((ms) => ms.map((m) => JSON.stringify(m)).join('\n')),
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 500 }),
  fc.string({ unit: 'binary', maxLength: 500 }),
  fc.array(fc.oneof(fc.json(), fc.string()), { maxLength: 5 }).map((a) => a.join('\n')),
  fc.uint8Array({ maxLength: 500 }),
);

/** What a fuzzing client may legitimately receive. */
const ALLOWED_REPLIES = new Set(['error', 'response', 'subscribed', 'pong', 'publish', 'event', 'process_output', 'process_status']);
/** Codes a fuzzed connection may legitimately be closed with. */
const ALLOWED_CLOSES = new Set<number>([CloseCode.messageTooBig, CloseCode.rateLimited, CloseCode.byOperator]);

describe('arbitrary frames to a real hub connection', () => {
  it('are answered or cleanly refused, never 1011, and the hub keeps serving', async () => {
    let client = await TestClient.open(url, { protocols: ['switchyard.v1'] });
    let closes = 0;
    let sentinel = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { minLength: 1, maxLength: 5 }), async (frames) => {
        if (client.ws.readyState !== client.ws.OPEN) {
          const { code } = await client.closed;
          expect(ALLOWED_CLOSES.has(code), `closed with ${code}`).toBe(true);
          closes++;
          client = await TestClient.open(url, { protocols: ['switchyard.v1'] });
        }
        const from = client.messages.length;
        for (const f of frames) client.ws.send(f);
        // A request after the frames: its response comes after every reply to them (one queue).
        const id = `sentinel-${++sentinel}`;
        client.send({ type: 'request', id, data: { method: 'hub.stats' } });
        const outcome = await Promise.race([
          client.waitFor((m) => m.type === 'response' && (m as { id?: unknown }).id === id, 10_000).then(() => 'answered' as const),
          client.closed.then(() => 'closed' as const),
        ]);
        const replies = client.messages.slice(from);
        const unexpected = replies.filter((m: Message) => !ALLOWED_REPLIES.has(m.type));
        expect(unexpected).toEqual([]);
        if (outcome === 'closed') expect(ALLOWED_CLOSES.has((await client.closed).code)).toBe(true);
      }),
      { numRuns: 300 },
    );
    client.ws.terminate();
    expect(hub.stats().counters.internalErrors).toBe(0);
    expect(closes).toBeLessThan(300);
    await stillServing();
  });
});

describe('arbitrary requests to every registered method', () => {
  it('always get exactly one response with their id, never an internal error', async () => {
    const errors: unknown[] = [];
    const client = await TestClient.open(url);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 120 })), paramsArb, fc.oneof(fc.string({ maxLength: 20 }), fc.integer()), async (method, params, rawId) => {
        const id = typeof rawId === 'string' ? `${rawId}#${++n}` : rawId * 1000 + (++n % 1000);
        const before = client.messages.length;
        const response = (await client.request(method, params, id)) as Message & { data?: unknown; error?: { code: unknown; message: unknown } };
        expect(response.type).toBe('response');
        if (response.error !== undefined) {
          expect(typeof response.error.code).toBe('string');
          expect(typeof response.error.message).toBe('string');
          if (response.error.code === 'internal') errors.push({ method, params, response });
        }
        const mine = client.messages.slice(before).filter((m) => m.type === 'response' && (m as { id?: unknown }).id === id);
        expect(mine).toHaveLength(1);
      }),
      { numRuns: 400 },
    );
    expect(errors).toEqual([]);
    expect(hub.stats().counters.internalErrors).toBe(0);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.ws.terminate();
    await stillServing();
  }, 120_000);
});
