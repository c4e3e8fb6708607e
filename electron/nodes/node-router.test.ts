// The node router on real hubs sharing a real redis-server (in this process, so that the stores'
// answers can be scripted): a gap that history no longer holds, logs merged and paged across
// nodes, the errors of a request to another node (gone, silent, not allowed), and what stays
// unchanged. The same behaviours end to end, with three serve nodes: electron/serve/several-machines.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertEvent, AuditEvent, LogLine, LogsReadParams, LogsSearchParams, ProcessInfo } from '../../shared/protocol';
import { Alerting } from '../alerts/alerting';
import { parseAlertRules } from '../alerts/alert-rules';
import { createRedisNodes, type RedisEngine } from '../engines/redis';
import { REDIS_MISSING, RedisTestServer } from '../engines/redis/test-support/redis-test-server';
import type { Hub } from '../hub/hub';
import { TestClient, startHub, until } from '../hub/test-helpers';
import { processInfo } from '../../shared/test-support/process-info';
import { NodeRouter } from './node-router';

const info = (id: string): ProcessInfo => processInfo({ id, command: 'sleep 1', cwd: '/', pid: 4242, restartMode: 'never' });

interface TestNode {
  name: string;
  hub: Hub;
  url: string;
  router: NodeRouter;
  engine: RedisEngine;
  /** Lines this node's "store" holds, oldest first (bare process ids). */
  lines: LogLine[];
  close(): Promise<void>;
}

describe.skipIf(REDIS_MISSING !== undefined)(`the node router${REDIS_MISSING ? ` (skipped: ${REDIS_MISSING})` : ''}`, () => {
  let redis: RedisTestServer;
  const nodes: TestNode[] = [];
  const clients: TestClient[] = [];
  let testNumber = 0; // each test its own key prefix: the nodes of one never meet another's

  async function makeNode(name: string, retention?: { maxMessages: number; maxBytes: number }, alerting?: Alerting): Promise<TestNode> {
    const parts = createRedisNodes(`${redis.url}?prefix=rt${process.pid}-${testNumber}:`, name, { network: { heartbeatMs: 100 } });
    const held: { router?: NodeRouter } = {};
    const { hub, url } = await startHub({
      engine: parts.engine,
      statsExtra: () => ({ node: name, nodes: held.router?.nodes() ?? [] }),
      ...(retention ? { retention } : {}),
      ...(alerting ? { onMethodCall: (call) => alerting.audit.onCall(call) } : {}),
    });
    await hub.ready();
    const router = new NodeRouter({ hub, network: parts.network, clients: () => hub.clientCount(), callTimeoutMs: 1000 });
    held.router = router;
    try {
      await router.start();
    } catch (err) {
      await router.close();
      await hub.close();
      throw err;
    }
    const node: TestNode = {
      name,
      hub,
      url,
      router,
      engine: parts.engine,
      lines: [],
      close: async () => {
        alerting?.close();
        await router.close();
        await hub.close();
      },
    };
    const api = router.api;
    alerting?.attach(api); // as the core does: alerts and audit published and listed through the router
    api.registerMethod('process.list', () => [info('web')]);
    api.registerMethod('process.restart', ({ id }) => ({ ...info(id), pid: 4343 }));
    api.registerMethod('process.stop', () => new Promise<never>(() => {})); // never answers
    api.registerMethod('logs.read', async (p: LogsReadParams) => {
      const after = p.after?.startsWith('c') ? Number(p.after.slice(1)) : undefined;
      const before = p.before?.startsWith('c') ? Number(p.before.slice(1)) : undefined;
      const afterTime = p.after && !p.after.startsWith('c') ? Date.parse(p.after) : undefined;
      const beforeTime = p.before && !p.before.startsWith('c') ? Date.parse(p.before) : undefined;
      let lines = node.lines.filter((l, i) => (after === undefined || i > after) && (before === undefined || i < before));
      lines = lines.filter((l) => (afterTime === undefined || Date.parse(l.time) > afterTime) && (beforeTime === undefined || Date.parse(l.time) < beforeTime));
      const page = p.before !== undefined ? lines.slice(-p.limit) : lines.slice(0, p.limit);
      return { lines: page, more: page.length < lines.length };
    });
    api.registerMethod('logs.search', async (p: LogsSearchParams) => {
      const matches = node.lines.filter((l) => l.data.includes(p.query)).reverse().slice(0, p.limit);
      return { matches, more: false, scanned: node.lines.length };
    });
    api.publishEvent('processes', { kind: 'list', processes: [info('web')] });
    nodes.push(node);
    return node;
  }

  const errorOf = (m: unknown) => (m as { error?: { code: string } }).error;
  const open = async (node: TestNode): Promise<TestClient> => {
    const client = await TestClient.open(node.url);
    clients.push(client);
    return client;
  };

  /** A local webhook receiver on port 0: the alerts posted to it, parsed. */
  const hooks: (() => Promise<void>)[] = [];
  async function webhook(): Promise<{ url: string; got: AlertEvent[] }> {
    const got: AlertEvent[] = [];
    const srv = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push((JSON.parse(body) as { alert: AlertEvent }).alert); // the post is {source, alert}
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    hooks.push(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`, got };
  }
  const alertingOf = (node: string, hookUrl: string) => new Alerting({ node, rules: parseAlertRules([{ on: 'crash', webhook: hookUrl }], 'test.yaml') });

  beforeAll(async () => {
    redis = await RedisTestServer.start();
  });
  afterEach(async () => {
    testNumber++;
    for (const client of clients.splice(0)) await client.close().catch(() => {});
    for (const node of nodes.splice(0)) await node.close();
    for (const close of hooks.splice(0)) await close();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('4. a client that missed more than the history holds hears recovered: false and the current epoch, on any node', async () => {
    const a = await makeNode('ra', { maxMessages: 50, maxBytes: 1 << 20 });
    const b = await makeNode('rb', { maxMessages: 50, maxBytes: 1 << 20 });
    const first = await open(a);
    const answer = (await first.subscribe('tiny')).data as { seq: number; epoch: string };
    for (let i = 1; i <= 200; i++) await a.hub.publish('tiny', { type: 'event', data: i });
    await first.close();
    const again = await open(b);
    const reply = (await again.subscribe('tiny', { since: 10, epoch: answer.epoch })).data as { seq: number; epoch: string; recovered: boolean };
    expect(reply).toEqual({ seq: 200, epoch: answer.epoch, recovered: false });
    await until(() => again.on('tiny', 'event').length === 50, 'the retained fifty');
    expect(again.on('tiny', 'event').map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 151 + i));
  });

  it('merges logs across nodes in time order and pages them exactly with the qualified cursors', async () => {
    const a = await makeNode('la');
    const b = await makeNode('lb');
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const line = (process: string, s: number, data: string, i: number): LogLine => ({ process, run: 1, time: at(s), stream: 'stdout', data, cursor: `c${i}` });
    // Equal times on both nodes at the page boundaries: the order is (time, node, the node's order).
    a.lines = [line('web', 1, 'a1', 0), line('web', 3, 'a3', 1), line('web', 3, 'a3b', 2), line('web', 5, 'a5', 3)];
    b.lines = [line('web', 2, 'b2', 0), line('web', 3, 'b3', 1), line('web', 5, 'b5', 2)];
    await until(() => a.router.nodes().length === 2 && a.router.nodes().every((n) => n.up), 'both nodes seen');
    const client = await open(a);
    const pages: string[][] = [];
    let after: string | undefined;
    for (let i = 0; i < 5; i++) {
      const r = (await client.request('logs.read', { limit: 2, ...(after ? { after } : {}) })).data as { lines: LogLine[]; more: boolean };
      pages.push(r.lines.map((l) => `${l.data}@${l.process}`));
      if (!r.more) break;
      after = r.lines.at(-1)?.cursor;
    }
    expect(pages.flat()).toEqual(['a1@web@la', 'b2@web@lb', 'a3@web@la', 'a3b@web@la', 'b3@web@lb', 'a5@web@la', 'b5@web@lb']);
    // Backwards from the end gives the same lines.
    const back: string[] = [];
    let before: string | undefined = ((await client.request('logs.read', { limit: 10 })).data as { lines: LogLine[] }).lines.at(-1)?.cursor;
    back.unshift('b5@web@lb');
    for (let i = 0; i < 6 && before; i++) {
      const r = (await client.request('logs.read', { limit: 2, before })).data as { lines: LogLine[]; more: boolean };
      back.unshift(...r.lines.map((l) => `${l.data}@${l.process}`));
      before = r.more ? r.lines[0]?.cursor : undefined;
    }
    expect(back).toEqual(pages.flat());
    const only = (await client.request('logs.read', { limit: 10, processes: ['web@lb'] })).data as { lines: LogLine[] };
    expect(only.lines.map((l) => l.data)).toEqual(['b2', 'b3', 'b5']);
    const found = (await client.request('logs.search', { query: '3', limit: 10 })).data as { matches: LogLine[]; scanned: number };
    expect(found.matches.map((l) => l.data)).toEqual(['b3', 'a3b', 'a3']);
    expect(found.scanned).toBe(7);
    expect(errorOf(await client.request('logs.read', { limit: 10, processes: ['web'] }))).toMatchObject({ code: 'bad_params' });
  });

  it('a request to another node: answered through this one; unavailable when it is gone; timeout when it is silent; forbidden for viewers', async () => {
    const a = await makeNode('ea');
    const b = await makeNode('eb');
    await until(() => a.router.nodes().filter((n) => n.up).length === 2, 'both nodes seen');
    const client = await open(a);
    expect((await client.request('process.restart', { id: 'web@eb' })).data).toMatchObject({ id: 'web@eb', node: 'eb', pid: 4343 });
    expect(errorOf(await client.request('process.stop', { id: 'web@eb' }))).toMatchObject({ code: 'timeout' });
    const viewer = await TestClient.open(a.url, { token: 'test-viewer-token-0123456789abcdef' });
    clients.push(viewer);
    expect(errorOf(await viewer.request('process.restart', { id: 'web@eb' }))).toMatchObject({ code: 'forbidden' });
    expect((await viewer.request('process.list')).data).toEqual([expect.objectContaining({ id: 'web@ea' }), expect.objectContaining({ id: 'web@eb' })]);
    // The node checks the role again itself (Redis is the way in, but it decides what runs on it).
    await expect(
      (a.router as unknown as { network: { call: (n: string, r: object) => Promise<unknown> } }).network.call('eb', { method: 'process.restart', params: { id: 'web' }, caller: { clientId: 'x', userId: 'v', role: 'viewer' } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await b.close();
    nodes.splice(nodes.indexOf(b), 1);
    await until(() => a.router.nodes().find((n) => n.name === 'eb')?.up === false, 'eb gone');
    expect(errorOf(await client.request('process.restart', { id: 'web@eb' }))).toMatchObject({ code: 'unavailable' });
    const listed = (await client.request('process.list')).data as ProcessInfo[];
    expect(listed.find((p) => p.id === 'web@eb')).toMatchObject({ status: 'unreachable', node: 'eb' });
    expect(listed.find((p) => p.id === 'web@eb')?.pid).toBeUndefined();
    const stats = (await client.request('hub.stats')).data as { node: string; nodes: { name: string; up: boolean; self: boolean }[]; clientList: { node?: string }[] };
    expect(stats.node).toBe('ea');
    expect(stats.nodes.map((n) => [n.name, n.up, n.self])).toEqual([
      ['ea', true, true],
      ['eb', false, false],
    ]);
    expect(stats.clientList.every((c) => c.node === 'ea')).toBe(true);
  });

  it("a node holding its intake (an operator there catching up) still answers the other nodes' requests", async () => {
    const a = await makeNode('ha');
    const b = await makeNode('hb');
    await until(() => a.router.nodes().filter((n) => n.up).length === 2, 'both nodes seen');
    const client = await open(a);
    b.engine.holdIntake(true); // its channels' pub/sub connection is not read now
    try {
      expect((await client.request('process.restart', { id: 'web@hb' })).data).toMatchObject({ id: 'web@hb', node: 'hb', pid: 4343 });
    } finally {
      b.engine.holdIntake(false);
    }
  });

  it('refuses a second node with a name in use, and takes the name of one that was killed once its heartbeat lapsed', async () => {
    await makeNode('dup');
    await expect(makeNode('dup')).rejects.toThrow(/another Switchyard runs as node "dup"/);
    const parts = createRedisNodes(`${redis.url}?prefix=rt${process.pid}-${testNumber}:`, 'ghost', { network: { heartbeatMs: 100 } });
    await parts.engine.start({ publications: () => {} });
    await parts.network.start(() => ({ processes: [], clients: 0 }), async () => null);
    await parts.engine.close(); // gone without a word (its alive key stays until the TTL)
    const again = await makeNode('ghost');
    expect(again.router.node).toBe('ghost');
  });

  it('a node that dies while a Redis restarted empty has not yet written itself again shows as unreachable, not forgotten', async () => {
    const b = await makeNode('rb');
    const parts = createRedisNodes(`${redis.url}?prefix=rt${process.pid}-${testNumber}:`, 'rx', { network: { heartbeatMs: 100 } });
    await parts.engine.start({ publications: () => {} });
    const db0 = { ...info('db'), id: 'db@rx', node: 'rx' };
    await parts.network.start(() => ({ processes: [db0], clients: 0 }), async (request) => (request.method === 'process.list' ? [db0] : null));
    const client = await open(b);
    const db = async () => ((await client.request('process.list')).data as ProcessInfo[]).find((p) => p.id === 'db@rx');
    await until(async () => (await db())?.status === 'running', 'db@rx listed on rb');
    redis.cli('FLUSHALL'); // synchronous: no heartbeat of rx runs between this and its end
    await parts.engine.close(); // and rx dies without a word
    await until(async () => (await db())?.status === 'unreachable', 'db@rx unreachable on rb', 8000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await db()).toMatchObject({ status: 'unreachable', node: 'rx' });
    expect(b.router.nodes().find((n) => n.name === 'rx')).toMatchObject({ up: false });
  });

  it('publishes into qualified channels and composes the processes channel from every node', async () => {
    const a = await makeNode('pa');
    const b = await makeNode('pb');
    await until(() => a.router.nodes().filter((n) => n.up).length === 2, 'both nodes seen');
    const client = await open(b);
    await client.subscribe('processes');
    await client.subscribe('process:web@pa', { since: 0 });
    a.router.api.publishOutput('web', [{ data: 'hello from a', stream: 'stdout', time: new Date().toISOString() }]);
    a.router.api.publishEvent('process:web', { kind: 'resize', cols: 80, rows: 24 }); // a terminal event of the supervisor's
    await until(() => client.on('process:web@pa', 'process_output').length === 1, 'the line on b');
    await until(() => client.on('process:web@pa', 'event').length === 1, 'the event on b');
    expect(client.on('process:web@pa', 'process_output')[0]).toMatchObject({ processId: 'web@pa', data: 'hello from a' });
    await until(() => client.on('processes', 'event').some((m) => (m.data as { processes: ProcessInfo[] }).processes.length === 2), 'both nodes in the list');
    const last = client.on('processes', 'event').at(-1)?.data as { processes: ProcessInfo[] };
    expect(last.processes.map((p) => p.id)).toEqual(['web@pa', 'web@pb']);
  });

  it('an alert names its process <id>@<node> on the channel, to the native notifications and in the webhook post, made once where the alert is', async () => {
    const hook = await webhook();
    const alerting = alertingOf('na', hook.url);
    const a = await makeNode('na', undefined, alerting);
    await makeNode('nb', undefined, alertingOf('nb', hook.url));
    await until(() => a.router.nodes().filter((n) => n.up).length === 2, 'both nodes seen');
    const onB = await open(nodes[1] as TestNode);
    await onB.subscribe('alerts');
    const notified: AlertEvent[] = [];
    alerting.engine.onAlert((alert) => notified.push(alert)); // what the desktop window's notifier hears
    alerting.tap(a.router.api).publishStatus('api', { status: 'exited', exitCode: 1 }); // as the supervisor behind the router says it
    await until(() => onB.on('alerts', 'event').length === 1 && hook.got.length === 1, 'the alert on b and at the webhook');
    expect(notified).toEqual([expect.objectContaining({ process: 'api@na', message: 'api@na exited with code 1' })]);
    expect(hook.got[0]).toMatchObject({ rule: 'crash', process: 'api@na', message: 'api@na exited with code 1' });
    expect(onB.on('alerts', 'event')[0]?.data).toMatchObject({ process: 'api@na' });
  });

  it('alerts.list and audit.list merge every node that is up, by time, and leave out a node that is gone', async () => {
    const hook = await webhook();
    const alertingA = alertingOf('ma', hook.url);
    const alertingB = alertingOf('mb', hook.url);
    const a = await makeNode('ma', undefined, alertingA);
    const b = await makeNode('mb', undefined, alertingB);
    await until(() => a.router.nodes().filter((n) => n.up).length === 2 && b.router.nodes().filter((n) => n.up).length === 2, 'both nodes seen');
    alertingA.tap(a.router.api).publishStatus('api', { status: 'exited', exitCode: 1 });
    await until(() => alertingA.engine.list().length === 1, "a's alert");
    alertingB.tap(b.router.api).publishStatus('db', { status: 'failed', reason: 'no such file' });
    await until(() => alertingB.engine.list().length === 1, "b's alert");
    const onA = await open(a);
    const onB = await open(b);
    await onA.request('process.restart', { id: 'web@mb' }); // recorded by a, where it was asked
    await new Promise((r) => setTimeout(r, 5)); // a later time for the entry of b
    await onB.request('process.restart', { id: 'web@ma' });
    for (const client of [onA, onB]) {
      const alerts = (await client.request('alerts.list')).data as { alerts: AlertEvent[]; counters: { published: number } };
      expect(alerts.alerts.map((x) => x.process)).toEqual(['api@ma', 'db@mb']);
      expect(alerts.counters.published).toBe(2);
      const audit = (await client.request('audit.list')).data as { entries: AuditEvent[] };
      expect(audit.entries.map((e) => `${e.action} ${e.target}`)).toEqual(['process.restart web@mb', 'process.restart web@ma']);
    }
    await b.close();
    nodes.splice(nodes.indexOf(b), 1);
    await until(() => a.router.nodes().find((n) => n.name === 'mb')?.up === false, 'mb gone');
    expect(((await onA.request('alerts.list')).data as { alerts: AlertEvent[] }).alerts.map((x) => x.process)).toEqual(['api@ma']);
  });

  it('a node whose heartbeat lapsed and came back (a stalled event loop) is announced gone again when it really goes', async () => {
    const a = await makeNode('sa');
    const b = await makeNode('sb');
    await until(() => b.router.nodes().filter((n) => n.up).length === 2, 'both nodes seen');
    const onB = await open(b);
    await onB.subscribe('process:web@sa');
    const unreachable = () => onB.on('process:web@sa', 'process_status').filter((m) => (m.data as { status: string }).status === 'unreachable').length;
    // Stall a's heartbeats past the alive TTL, as a blocked event loop would, then let them go on.
    const network = (a.router as unknown as { network: { beatOnce: () => Promise<void> } }).network;
    const beat = network.beatOnce;
    network.beatOnce = () => Promise.resolve();
    await until(() => b.router.nodes().find((n) => n.name === 'sa')?.up === false, 'sa lapsed', 5000);
    await until(() => unreachable() === 1, 'the first departure announced');
    network.beatOnce = beat;
    await until(() => b.router.nodes().find((n) => n.name === 'sa')?.up === true, 'sa back', 5000);
    await a.close();
    nodes.splice(nodes.indexOf(a), 1);
    await until(() => b.router.nodes().find((n) => n.name === 'sa')?.up === false, 'sa gone');
    await until(() => unreachable() === 2, 'the real departure announced too', 5000);
  });
});
