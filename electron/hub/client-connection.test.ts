// Outbound delivery: queues, batching, backpressure, slow consumers, and the seed's own Go client.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Message } from '../../shared/protocol';
import { CloseCode, type Hub, type HubOptions } from './hub';
import { MemoryEngine } from './memory-engine';
import { startHub, TestClient, TOKEN, until } from './test-helpers';

let hubs: Hub[] = [];
let sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets) ws.terminate();
  await Promise.all(hubs.map((h) => h.close()));
  hubs = [];
  sockets = [];
});
async function setup(options: HubOptions = {}) {
  const started = await startHub(options);
  hubs.push(started.hub);
  return started;
}

/**
 * A subscriber that checks every `seq` is the previous one plus 1 and, when closed as a slow
 * consumer, reconnects and resubscribes with `since` (what a real client does).
 */
class CountingSubscriber {
  lastSeq = 0;
  epoch: string | undefined;
  reconnects = 0;
  readonly errors: string[] = [];
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly total: number,
    private readonly batching: boolean,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  connect(): Promise<void> {
    const ws = new WebSocket(this.url, this.batching ? ['switchyard.v1'] : [], { headers: { Authorization: `Bearer ${TOKEN}` } });
    sockets.push(ws);
    return new Promise((subscribed) => {
      ws.on('open', () => {
        const resume = this.epoch === undefined ? {} : { since: this.lastSeq, epoch: this.epoch };
        ws.send(JSON.stringify({ type: 'subscribe', channel: this.channel, ...resume }));
      });
      ws.on('message', (data) => {
        for (const line of data.toString().split('\n')) this.receive(JSON.parse(line) as Message, subscribed);
      });
      ws.on('close', (code) => {
        if (this.lastSeq === this.total) return;
        if (code === CloseCode.slowConsumer) {
          this.reconnects++;
          void this.connect();
        } else this.errors.push(`closed with ${code} at seq ${this.lastSeq}`);
      });
    });
  }

  private receive(m: Message, subscribed: () => void): void {
    if (m.type === 'subscribed') {
      const d = m.data as { epoch: string; recovered: boolean };
      if (this.epoch !== undefined && !d.recovered) this.errors.push('not recovered');
      this.epoch = d.epoch;
      return subscribed();
    }
    if (m.type !== 'process_output') return;
    if (m.seq !== this.lastSeq + 1) this.errors.push(`seq ${m.seq} after ${this.lastSeq}`);
    this.lastSeq = m.seq ?? -1;
    if (this.lastSeq === this.total) this.finish();
  }
}

describe('ClientConnection delivery', () => {
  it.each([
    ['a default queue bound: delivered directly', {}],
    ['a 256 KiB queue bound: slow consumers recover with since', { maxQueueBytes: 256 * 1024 }],
  ])('a burst of 10,000 lines reaches 100 subscribers exactly once, in order (%s)', async (_name, options: HubOptions) => {
    const { hub, url } = await setup(options);
    const LINES = 10_000;
    const subs = Array.from({ length: 100 }, (_, i) => new CountingSubscriber(url, 'process:burst', LINES, i % 2 === 0));
    await Promise.all(subs.map((s) => s.connect()));
    const payload = 'x'.repeat(60);
    for (let i = 1; i <= LINES; i++) hub.sendProcessOutput('burst', `${i} ${payload}`, 'stdout');
    await Promise.all(subs.map((s) => s.done));
    expect(subs.flatMap((s) => s.errors)).toEqual([]);
    expect(subs.every((s) => s.lastSeq === LINES)).toBe(true);
    const { slowConsumers } = hub.stats().counters;
    if (options.maxQueueBytes) expect(slowConsumers).toBeGreaterThan(0);
    else expect(slowConsumers).toBe(0);
    expect(subs.reduce((n, s) => n + s.reconnects, 0)).toBe(slowConsumers);
  }, 60_000);

  it('disconnects a subscriber that stops reading once its queue passes the bound; others are unaffected', async () => {
    const maxQueueBytes = 512 * 1024;
    const { hub, url } = await setup({ maxQueueBytes, socketHighWaterBytes: 64 * 1024 });
    const stalled = await TestClient.open(url);
    await stalled.subscribe('process:flood');
    const stalledId = hub.stats().clientList[0]?.id;
    const healthy = await TestClient.open(url, { protocols: ['switchyard.v1'] });
    await healthy.subscribe('process:flood');
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const line = 'y'.repeat(400);
    let published = 0;
    let maxStalledQueue = 0;
    while (hub.stats().counters.slowConsumers === 0 && published < 100_000) {
      for (let i = 0; i < 500; i++) hub.sendProcessOutput('flood', line, 'stdout');
      published += 500;
      const s = hub.stats().clientList.find((c) => c.id === stalledId);
      maxStalledQueue = Math.max(maxStalledQueue, s?.queuedBytes ?? 0);
      // The healthy subscriber keeps reading: wait until it has everything so far.
      await until(() => healthy.on('process:flood', 'process_output').length === published, 'healthy subscriber', 10_000);
    }
    const stats = hub.stats();
    expect(stats.counters.slowConsumers).toBe(1);
    expect(stats.clientList.map((c) => c.id)).not.toContain(stalledId);
    expect(maxStalledQueue).toBeLessThanOrEqual(maxQueueBytes + 1024);
    expect(stats.queuedBytes).toBeLessThan(maxQueueBytes);
    const seqs = healthy.on('process:flood', 'process_output').map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: published }, (_, i) => i + 1));
    stalled.ws.terminate();
  }, 60_000);

  it('batches queued messages into one frame for switchyard.v1 clients, one per frame for others', async () => {
    const { hub, url } = await setup();
    const v1 = await TestClient.open(url, { protocols: ['switchyard.v1'] });
    const plain = await TestClient.open(url);
    expect(v1.ws.protocol).toBe('switchyard.v1');
    await v1.subscribe('chat');
    await plain.subscribe('chat');
    const framesBefore = { v1: v1.frames, plain: plain.frames };
    for (let i = 0; i < 50; i++) hub.publish('chat', { type: 'event', data: i });
    await v1.waitFor((m) => m.data === 49);
    await plain.waitFor((m) => m.data === 49);
    expect(plain.frames - framesBefore.plain).toBe(50);
    expect(v1.frames - framesBefore.v1).toBeLessThan(50);
    expect(v1.on('chat', 'event').map((m) => m.data)).toEqual(plain.on('chat', 'event').map((m) => m.data));
    sockets.push(v1.ws, plain.ws);
  });

  it('reports congestion while a lot is queued and fires onDrain once it is written; the engine holds its intake meanwhile', async () => {
    // An operator past half its queue holds the producers until it is under a quarter, and the
    // engine (a shared one: other nodes' producers are not held) stops taking their publications.
    const holds: boolean[] = [];
    const engine = Object.assign(new MemoryEngine(), { holdIntake: (held: boolean) => holds.push(held) });
    const { hub, url } = await setup({ maxQueueBytes: 1024 * 1024, engine });
    const c = await TestClient.open(url);
    sockets.push(c.ws);
    await c.subscribe('process:big');
    for (let i = 0; i < 4000; i++) void hub.sendProcessOutput('big', 'z'.repeat(100), 'stdout');
    expect(hub.isCongested()).toBe(true);
    expect(holds).toEqual([true]);
    await new Promise<void>((resolve) => hub.onDrain(resolve));
    expect(hub.isCongested()).toBe(false);
    expect(holds).toEqual([true, false]);
  });
});

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// The seed peer lives beside the repository (../shared), as on the team's machines and in CI.
const buildScript = path.resolve(repoRoot, '..', 'shared', 'peers', 'go-ws-seed', 'build.sh');
const seedSkip =
  spawnSync('go', ['version']).status !== 0
    ? 'skipped: Go not installed'
    : !existsSync(buildScript)
      ? `skipped: the seed peer is not at ${buildScript}`
      : !existsSync('/usr/share/gocode/src/github.com/gorilla/websocket')
        ? 'skipped: gorilla/websocket not installed (golang-github-gorilla-websocket-dev)'
        : '';

describe('ClientConnection writes', () => {
  it("writes a plain client's queued frames with one system call per flush, not one per frame", async () => {
    const { hub, url } = await setup();
    const plain = await TestClient.open(url);
    sockets.push(plain.ws);
    await plain.subscribe('many');
    // The server's side of each connection is a net.Socket with a `server`; count its writes.
    const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (this: Socket & { server?: unknown }, ...args: unknown[]) => void>;
    const original = { _write: proto._write, _writev: proto._writev };
    let writes = 0;
    for (const name of ['_write', '_writev'] as const) {
      proto[name] = function (...args) {
        if (this.server) writes++;
        return original[name].apply(this, args);
      };
    }
    try {
      for (let i = 0; i < 500; i++) void hub.publish('many', { type: 'event', data: i });
      await plain.waitFor((m) => m.data === 499);
    } finally {
      Object.assign(proto, original);
    }
    expect(plain.frames).toBeGreaterThanOrEqual(500); // one message per frame: a plain client
    expect(writes).toBeLessThan(20);
  });
});

describe('interop with the seed', () => {
  (seedSkip ? it.skip : it)(seedSkip || "the seed's Go client receives a burst of 1,000 messages complete", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'go-ws-seed-'));
    try {
      const peer = path.join(dir, 'peer');
      // Through bash: a copy of shared/ may have lost its execute bits.
      execFileSync('bash', [buildScript, peer], { stdio: 'pipe' });
      const { hub, url } = await setup();
      // -count 1001: the hub's `subscribed` answer is one message too, then the 1,000 lines.
      const child = spawn(peer, ['client', '-url', url, '-channel', 'process:web', '-token', TOKEN, '-count', '1001', '-timeout', '20s']);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await until(() => hub.channelSubscriberCount('process:web') === 1, 'the Go client to subscribe', 10_000);
      for (let i = 0; i < 1000; i++) hub.sendProcessOutput('web', `line ${i}`, 'stdout');
      expect(await exit).toBe(0);
      const lines = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; data: unknown });
      expect(lines.filter((m) => m.type === 'process_output').map((m) => m.data)).toEqual(Array.from({ length: 1000 }, (_, i) => `line ${i}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
