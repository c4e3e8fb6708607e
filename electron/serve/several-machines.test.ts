// Several machines, one dashboard (issue #19): a real redis-server on a free port and three real
// serve nodes (A, B, C; the built out/main/serve.js) sharing it. Each test is one acceptance item
// of the issue; the disruptive ones (Redis killed, node A killed) come last. Skipped with the
// reason where redis-server is missing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent, AuditEvent, Message, ProcessInfo } from '../../shared/protocol';
import { REDIS_MISSING, RedisTestServer } from '../engines/redis/test-support/redis-test-server';
import { TestClient, until } from '../hub/test-helpers';
import { REPO_ROOT, startServe, type ServeProcess } from './serve-process';

const TOKEN = 'several-machines-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'switchyard-nodes-'));

const CONFIGS: Record<string, object> = {
  A: {
    processes: {
      tick: { command: 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.05; done' },
      burst: { command: 'for i in $(seq 1 500); do echo "burst $i"; done', autostart: false },
      flood: { command: 'seq 1 300000', autostart: false },
      echo: { command: 'exec cat', stdin: true },
      oops: { command: 'exit 3', autostart: false },
    },
  },
  B: { processes: { idle: { command: 'exec sleep 100000' } } },
  C: { processes: { idle: { command: 'exec sleep 100000' } } },
};

/** A node in a folder of its own, with a store of its own (as on its own machine). */
function startNode(name: string, engineUrl: string): Promise<ServeProcess> {
  const home = join(dir, name);
  mkdirSync(home, { recursive: true });
  const config = join(home, 'switchyard.json');
  writeFileSync(config, JSON.stringify(CONFIGS[name] ?? CONFIGS.B));
  const args = ['--config', config, '--port', '0', '--token', TOKEN, '--token-file', join(home, 'token'), '--engine', engineUrl, '--node', name];
  return startServe(args, { XDG_STATE_HOME: join(home, 'state') }, home);
}

/** Seqs of a channel's messages as a client received them (its `subscribed` answers excluded). */
const seqsOf = (client: TestClient, channel: string): number[] => client.on(channel).filter((m) => m.type !== 'subscribed').map((m) => m.seq as number);
const contiguous = (seqs: number[], from: number): boolean => seqs.every((s, i) => s === from + i);
const list = async (client: TestClient): Promise<ProcessInfo[]> => (await client.request('process.list')).data as ProcessInfo[];
const errorOf = (m: Message) => (m as { error?: { code: string; message: string } }).error;
const subscribedOf = (m: Message) => m.data as { seq: number; epoch: string; recovered: boolean };

/** Ask again (every 100 ms) until the answer satisfies `ok`; the last answer. */
async function poll<T>(ask: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await ask();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(REDIS_MISSING !== undefined)(`several machines through Redis${REDIS_MISSING ? ` (skipped: ${REDIS_MISSING})` : ''}`, () => {
  let redis: RedisTestServer;
  const node: Record<string, ServeProcess> = {};
  const clients: TestClient[] = [];
  const open = async (name: string): Promise<TestClient> => {
    const client = await TestClient.open((node[name] as ServeProcess).hubUrl, { token: TOKEN });
    clients.push(client);
    return client;
  };

  // A's crash alerts go to this webhook (started first: its URL is in A's config).
  let hookServer: Server | undefined;
  const hooked: AlertEvent[] = [];

  beforeAll(async () => {
    hookServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hooked.push((JSON.parse(body) as { alert: AlertEvent }).alert);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hookServer?.listen(0, '127.0.0.1', r));
    (CONFIGS.A as { alerts?: unknown }).alerts = [{ on: 'crash', webhook: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook` }];
    redis = await RedisTestServer.start();
    for (const name of ['A', 'B', 'C']) node[name] = await startNode(name, redis.url);
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => {});
    for (const serve of Object.values(node)) {
      if (serve.child.exitCode === null && serve.child.signalCode === null) {
        serve.child.kill('SIGTERM');
        await serve.exited;
      }
    }
    await redis?.stop();
    hookServer?.closeAllConnections();
    await new Promise((r) => hookServer?.close(r));
  }, 30_000);

  it("9. refuses an RDB-only Redis at start, saying why and what to change; a password never shows", async () => {
    const rdb = await RedisTestServer.start({ args: ['--save', '60 1'] });
    try {
      const config = join(dir, 'D.json');
      writeFileSync(config, JSON.stringify(CONFIGS.B)); // refused before any process or store
      const run = spawnSync(process.execPath, [resolve(REPO_ROOT, 'out/main/serve.js'), '--config', config, '--port', '0', '--token-file', '', '--engine', rdb.url, '--node', 'D'], {
        cwd: dir,
        env: { ...process.env, INIT_CWD: dir },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.status).toBe(1);
      const refused = run.stderr;
      expect(refused).toMatch(/saves RDB snapshots \(save "60 1"\) without an append-only file/);
      expect(refused).toMatch(/appendfsync always/);
    } finally {
      await rdb.stop();
    }
    const secret = 'correct-horse-battery';
    const locked = await RedisTestServer.start({ args: ['--requirepass', secret] });
    try {
      const serve = await startNode('P', `redis://:${secret}@127.0.0.1:${locked.port}`);
      const client = await TestClient.open(serve.hubUrl, { token: TOKEN });
      const stats = JSON.stringify((await client.request('hub.stats')).data);
      await client.close();
      serve.child.kill('SIGTERM');
      await serve.exited;
      expect(serve.output()).toContain(`Engine: redis://:***@127.0.0.1:${locked.port} (node P)`);
      expect(serve.output() + stats).not.toContain(secret);
    } finally {
      await locked.stop();
    }
    // rediss:// with a password: TLS, the server's certificate checked (its CA given the standard way).
    const tls = await RedisTestServer.startTls(['--requirepass', secret]);
    if (!tls) return; // no openssl to make a certificate with
    try {
      const config = join(dir, 'T.json');
      writeFileSync(config, JSON.stringify(CONFIGS.B));
      const url = `rediss://:${secret}@127.0.0.1:${tls.server.port}`;
      const serve = await startServe(['--config', config, '--port', '0', '--token', TOKEN, '--token-file', join(dir, 'T.token'), '--no-store', '--engine', url, '--node', 'T'], { NODE_EXTRA_CA_CERTS: tls.ca }, dir);
      serve.child.kill('SIGTERM');
      await serve.exited;
      expect(serve.output()).toContain(`Engine: rediss://:***@127.0.0.1:${tls.server.port} (node T)`);
      // Without the CA the certificate is refused, and said so.
      const refused = spawnSync(process.execPath, [resolve(REPO_ROOT, 'out/main/serve.js'), '--config', config, '--port', '0', '--token-file', '', '--no-store', '--engine', url, '--node', 'U'], {
        cwd: dir,
        env: { ...process.env, INIT_CWD: dir },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/cannot reach Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*(certificate|self-signed)/i);
      expect(refused.stderr + serve.output()).not.toContain(secret);
    } finally {
      await tls.server.stop();
    }
  }, 40_000);

  it("1. A's output reaches clients on B and C as seq 1..N, one epoch, no gap; process.list on any node has every node's processes", async () => {
    const onB = await open('B');
    const onC = await open('C');
    for (const client of [onB, onC]) {
      const answer = subscribedOf(await client.subscribe('process:tick@A', { since: 0 }));
      expect(answer.recovered).toBe(true);
      expect(answer).not.toHaveProperty('exists'); // another node's process is known here
      await until(() => client.on('process:tick@A', 'process_output').length >= 40, 'forty ticks', 15_000);
      const seqs = seqsOf(client, 'process:tick@A');
      expect(seqs[0]).toBe(1);
      expect(contiguous(seqs, 1)).toBe(true);
      const ticks = client.on('process:tick@A', 'process_output').map((m) => Number(String(m.data).split(' ')[1]));
      expect(contiguous(ticks, ticks[0] as number)).toBe(true);
      expect(new Set(client.on('process:tick@A').map((m) => (m.type === 'subscribed' ? subscribedOf(m).epoch : undefined)).filter(Boolean)).size).toBe(1);
      expect(client.on('process:tick@A', 'process_output')[0]).toMatchObject({ processId: 'tick@A', channel: 'process:tick@A' });
    }
    for (const client of [onB, onC]) {
      const ids = (await list(client)).map((p) => `${p.id}:${p.node}`);
      expect(ids).toEqual(['tick@A:A', 'burst@A:A', 'flood@A:A', 'echo@A:A', 'oops@A:A', 'idle@B:B', 'idle@C:C']);
    }
  }, 30_000);

  it('2. twelve concurrent publishers through A and B to one channel: seqs unique and contiguous, every message once', async () => {
    const watcher = await open('C');
    await watcher.subscribe('race');
    const publishers = await Promise.all(Array.from({ length: 12 }, (_, i) => open(i % 2 === 0 ? 'A' : 'B')));
    await Promise.all(
      publishers.map(async (client, p) => {
        for (let i = 0; i < 25; i++) {
          client.send({ type: 'publish', channel: 'race', data: { p, i } });
          if (i % 5 === 4) await new Promise((r) => setImmediate(r));
        }
      }),
    );
    await until(() => watcher.on('race', 'publish').length >= 300, 'three hundred publications on C', 15_000);
    const got = watcher.on('race', 'publish');
    expect(got.map((m) => m.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    for (let p = 0; p < 12; p++) expect(got.filter((m) => (m.data as { p: number }).p === p).map((m) => (m.data as { i: number }).i)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  }, 30_000);

  it('3. a client on A drops; 500 lines are published; it reconnects to C with since and epoch and gets exactly those lines', async () => {
    const first = await open('A');
    const answer = subscribedOf(await first.subscribe('process:burst@A', { since: 0 }));
    await first.close();
    const operator = await open('B');
    const started = await operator.request('process.start', { id: 'burst@A' });
    expect(errorOf(started)).toBeUndefined();
    const watcher = await open('C');
    await watcher.subscribe('process:burst@A', { since: answer.seq, epoch: answer.epoch });
    await until(() => watcher.on('process:burst@A', 'process_output').some((m) => m.data === 'burst 500'), 'the 500th line', 15_000);
    const back = await open('C');
    const again = subscribedOf(await back.subscribe('process:burst@A', { since: answer.seq, epoch: answer.epoch }));
    expect(again).toMatchObject({ recovered: true, epoch: answer.epoch });
    await until(() => back.on('process:burst@A', 'process_output').length >= 500, 'the replay', 10_000);
    expect(back.on('process:burst@A', 'process_output').map((m) => m.data)).toEqual(Array.from({ length: 500 }, (_, i) => `burst ${i + 1}`));
    expect(contiguous(seqsOf(back, 'process:burst@A'), answer.seq + 1)).toBe(true);
    // A's stored lines, read and searched through C.
    const found = await poll(
      async () => (await back.request('logs.search', { query: 'burst 250', limit: 5 })).data as { matches: { process: string; data: string }[] },
      (r) => r.matches.length > 0,
      'the stored line',
    );
    expect(found.matches.map((m) => [m.process, m.data])).toEqual([['burst@A', 'burst 250']]);
    const read = (await back.request('logs.read', { processes: ['burst@A'], limit: 3 })).data as { lines: { process: string; data: string }[] };
    expect(read.lines.map((l) => l.data)).toEqual(['burst 1', 'burst 2', 'burst 3']);
  }, 30_000);

  it('a flood through Redis is slowed (the pipe is held while Redis is behind), never lost', async () => {
    const watcher = await open('C');
    await watcher.subscribe('process:flood@A', { since: 0 });
    const operator = await open('A');
    expect(errorOf(await operator.request('process.start', { id: 'flood@A' }))).toBeUndefined();
    await until(() => watcher.on('process:flood@A', 'process_output').at(-1)?.data === '300000', 'the last line on C', 60_000);
    const lines = watcher.on('process:flood@A', 'process_output');
    expect(lines).toHaveLength(300_000);
    expect(lines.every((m, i) => m.data === String(i + 1))).toBe(true);
    expect(contiguous(seqsOf(watcher, 'process:flood@A'), 1)).toBe(true);
    const info = (await list(operator)).find((p) => p.id === 'flood@A');
    expect(info?.skipped).toBe(0);
  }, 90_000);

  it('8. a restart request sent to C for tick@A restarts it on A, and the answer comes back through C', async () => {
    const onA = await open('A');
    const before = (await list(onA)).find((p) => p.id === 'tick@A');
    const onC = await open('C');
    const answer = await onC.request('process.restart', { id: 'tick@A' });
    expect(errorOf(answer)).toBeUndefined();
    const info = answer.data as ProcessInfo;
    expect(info).toMatchObject({ id: 'tick@A', node: 'A', status: 'running' });
    expect(info.pid).not.toBe(before?.pid);
    expect((await list(onA)).find((p) => p.id === 'tick@A')?.pid).toBe(info.pid);
    // A bare id on a shared engine is named back in its qualified form; a node that does not exist is not_found.
    expect(errorOf(await onC.request('process.restart', { id: 'tick' }))).toMatchObject({ code: 'not_found', message: expect.stringContaining('tick@C') });
    expect(errorOf(await onC.request('process.stop', { id: 'tick@Z' }))).toMatchObject({ code: 'not_found' });
  }, 30_000);

  it("input, add and remove sent to C for A's processes run on A and answer through C", async () => {
    const onA = await open('A');
    const onB = await open('B');
    const onC = await open('C');
    await onB.subscribe('process:echo@A');
    const sent = await onC.request('process.input', { id: 'echo@A', data: 'typed on C\n' });
    expect(errorOf(sent)).toBeUndefined();
    expect(sent.data).toEqual({ written: 11 });
    await until(() => onB.on('process:echo@A', 'process_output').some((m) => m.data === 'typed on C'), "A's cat prints the line, seen on B");
    // A process added from C for node A is A's: in A's own list, its output on its qualified channel.
    const added = await onC.request('process.add', { id: 'extra@A', command: 'echo "extra runs"; exec sleep 100000' });
    expect(errorOf(added)).toBeUndefined();
    expect(added.data).toMatchObject({ id: 'extra@A', node: 'A' });
    const onAList = await poll(() => list(onA), (l) => l.some((p) => p.id === 'extra@A' && p.status === 'running'), 'extra@A running on A');
    expect(onAList.find((p) => p.id === 'extra@A')).toMatchObject({ node: 'A', status: 'running' });
    await onB.subscribe('process:extra@A', { since: 0 });
    await until(() => onB.on('process:extra@A', 'process_output').some((m) => m.data === 'extra runs'), "extra@A's output on B");
    const removed = await onC.request('process.remove', { id: 'extra@A' });
    expect(errorOf(removed)).toBeUndefined();
    expect(removed.data).toEqual({ id: 'extra@A', removed: true });
    expect((await list(onA)).some((p) => p.id === 'extra@A')).toBe(false);
    expect((await poll(() => list(onC), (l) => !l.some((p) => p.id === 'extra@A'), 'extra@A gone on C')).some((p) => p.id === 'extra@A')).toBe(false);
  }, 30_000);

  it("an alert of A's process names it oops@A on the alerts channel on B, in A's webhook post and in alerts.list on C; the audit of every node merges", async () => {
    const onB = await open('B');
    const onC = await open('C');
    await onB.subscribe('alerts');
    expect(errorOf(await onC.request('process.start', { id: 'oops@A' }))).toBeUndefined(); // exits 3: a crash
    await until(() => onB.on('alerts', 'event').some((m) => (m.data as AlertEvent).process === 'oops@A'), "A's crash alert on B", 15_000);
    await until(() => hooked.length > 0, "A's webhook post", 15_000);
    expect(hooked[0]).toMatchObject({ rule: 'crash', process: 'oops@A', message: 'oops@A exited with code 3' });
    const alerts = (await onC.request('alerts.list')).data as { alerts: AlertEvent[] };
    expect(alerts.alerts.filter((a) => a.process === 'oops@A')).toEqual([expect.objectContaining({ rule: 'crash', message: 'oops@A exited with code 3' })]);
    // The start was recorded by C, where it was asked; B lists it too.
    const audit = (await onB.request('audit.list')).data as { entries: AuditEvent[] };
    expect(audit.entries.some((e) => e.action === 'process.start' && e.target === 'oops@A' && e.ok)).toBe(true);
  }, 30_000);

  it('6. CLIENT KILL TYPE pubsub while publishing: every node still delivers every seq', async () => {
    const watchers = await Promise.all(['A', 'B', 'C'].map((n) => open(n)));
    for (const w of watchers) await w.subscribe('killed');
    const publisher = await open('A');
    for (let i = 1; i <= 300; i++) {
      publisher.send({ type: 'publish', channel: 'killed', data: i });
      if (i === 100 || i === 200) expect(redis.cli('CLIENT', 'KILL', 'TYPE', 'pubsub')).toMatch(/^\d+$/);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    for (const w of watchers) {
      await until(() => w.on('killed', 'publish').length >= 300, 'every seq on every node', 15_000);
      expect(w.on('killed', 'publish').map((m) => m.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      expect(w.on('killed', 'publish').map((m) => m.data)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    }
  }, 30_000);

  it('7. Redis SIGKILLed and restarted without persistence: nodes reconnect, clients hear a new epoch and the gap, nothing is lost afterwards', async () => {
    const onB = await open('B');
    const first = subscribedOf(await onB.subscribe('phoenix'));
    const publisher = await open('A');
    for (let i = 1; i <= 5; i++) publisher.send({ type: 'publish', channel: 'phoenix', data: `before ${i}` });
    await until(() => onB.on('phoenix', 'publish').length === 5, 'five before', 10_000);
    await redis.kill();
    const stats = await open('B');
    const engineHealth = async () => ((await stats.request('hub.stats')).data as { engine: { up: boolean; reason?: string } }).engine;
    const health = await poll(engineHealth, (h) => !h.up, 'the engine reported down');
    expect(health).toMatchObject({ up: false, reason: expect.stringMatching(/unreachable/) });
    for (let i = 1; i <= 3; i++) publisher.send({ type: 'publish', channel: 'phoenix', data: `during ${i}` });
    await redis.restart();
    await until(() => onB.on('phoenix', 'subscribed').some((m) => subscribedOf(m).epoch !== first.epoch), 'the new epoch', 15_000);
    const renewed = onB.on('phoenix', 'subscribed').find((m) => subscribedOf(m).epoch !== first.epoch) as Message;
    expect(subscribedOf(renewed).recovered).toBe(false);
    for (let i = 1; i <= 5; i++) publisher.send({ type: 'publish', channel: 'phoenix', data: `after ${i}` });
    await until(() => onB.on('phoenix', 'publish').some((m) => m.data === 'after 5'), 'the fifth after', 15_000);
    const reborn = onB.messages.slice(onB.messages.indexOf(renewed) + 1).filter((m) => m.channel === 'phoenix' && m.type === 'publish');
    expect(reborn.map((m) => m.data)).toEqual(['during 1', 'during 2', 'during 3', 'after 1', 'after 2', 'after 3', 'after 4', 'after 5']);
    expect(reborn.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await poll(engineHealth, (h) => h.up, 'the engine up again')).up).toBe(true);
  }, 60_000);

  it("5. SIGKILL of A mid-stream: its clients move to B and recover with no gap; A's processes show as unreachable on B and C, and come back with A", async () => {
    const onA = await open('A');
    const talker = await open('C');
    let n = 0;
    const talking = setInterval(() => talker.send({ type: 'publish', channel: 'chatter', data: ++n }), 10);
    try {
      const chatter = subscribedOf(await onA.subscribe('chatter'));
      const tick = subscribedOf(await onA.subscribe('process:tick@A'));
      await until(() => onA.on('chatter', 'publish').length >= 20 && onA.on('process:tick@A', 'process_output').length >= 5, 'live on A', 10_000);
      (node.A as ServeProcess).child.kill('SIGKILL');
      await onA.closed;
      const lastChatter = onA.on('chatter', 'publish').at(-1)?.seq as number;
      const lastTick = onA.on('process:tick@A').filter((m) => m.type !== 'subscribed').at(-1)?.seq as number;
      const moved = await open('B');
      const chatterAgain = subscribedOf(await moved.subscribe('chatter', { since: lastChatter, epoch: chatter.epoch }));
      const tickAgain = subscribedOf(await moved.subscribe('process:tick@A', { since: lastTick, epoch: tick.epoch }));
      expect(chatterAgain.recovered).toBe(true);
      expect(tickAgain.recovered).toBe(true);
      await until(() => moved.on('chatter', 'publish').length >= 30, 'chatter after the move', 10_000);
      expect(contiguous(seqsOf(moved, 'chatter'), lastChatter + 1)).toBe(true);
      for (const name of ['B', 'C']) {
        const client = await open(name);
        const tickInfo = await poll(async () => (await list(client)).find((p) => p.id === 'tick@A'), (p) => p?.status === 'unreachable', `tick@A unreachable on ${name}`);
        // On failure, say what the node saw and what Redis holds.
        const seen = tickInfo ? '' : `${name} lists ${JSON.stringify((await list(client)).map((p) => `${p.id}:${p.status}`))}; nodes ${JSON.stringify(((await client.request('hub.stats')).data as { nodes?: unknown }).nodes)}; Redis ${redis.cli('--scan')} / ${redis.cli('KEYS', '*')}`;
        expect(tickInfo, seen).toMatchObject({ id: 'tick@A', node: 'A', status: 'unreachable' });
        expect(tickInfo?.pid).toBeUndefined();
      }
      // The channel itself says so, once, and the seqs go on without a gap.
      await until(() => moved.on('process:tick@A', 'process_status').some((m) => (m.data as { status: string }).status === 'unreachable'), 'the unreachable status', 10_000);
      expect(moved.on('process:tick@A', 'process_status').filter((m) => (m.data as { status: string }).status === 'unreachable')).toHaveLength(1);
      expect(contiguous(seqsOf(moved, 'process:tick@A'), lastTick + 1)).toBe(true);
      // A comes back under its name: its processes are reachable again.
      node.A = await startNode('A', redis.url);
      const onB = await open('B');
      const back = await poll(async () => (await list(onB)).find((p) => p.id === 'tick@A'), (p) => p?.status === 'running', 'tick@A back');
      expect(back).toMatchObject({ id: 'tick@A', status: 'running' });
    } finally {
      clearInterval(talking);
    }
  }, 60_000);
});
