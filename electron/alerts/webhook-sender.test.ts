// Webhooks against real local HTTP servers on port 0: one that answers, one that never does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertEventSchema, type AlertEvent } from '../../shared/protocol';
import { startHub, TestClient, until } from '../hub/test-helpers';
import { Supervisor } from '../supervisor/supervisor';
import { parseAlertRules } from './alert-rules';
import { Alerting } from './alerting';
import { WebhookSender } from './webhook-sender';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

async function server(handler: (req: IncomingMessage, res: ServerResponse, got: Received[]) => void): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const srv: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      handler(req, res, got);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook?secret=abc`, got };
}

const alert = (process: string): AlertEvent => ({ kind: 'alert', rule: 'crash', ruleIndex: 0, process, message: `${process} exited with code 1`, time: new Date().toISOString(), count: 1 });

describe('webhooks', () => {
  it('a rule with a webhook posts the alert as small JSON, without the hub token, and publishes it too', async () => {
    const good = await server((_req, res) => res.writeHead(204).end());
    const alerting = new Alerting({ rules: parseAlertRules([{ on: 'crash', webhook: good.url }], 'test.yaml') });
    const { hub, url } = await startHub();
    alerting.attach(hub);
    cleanups.push(() => hub.close(), () => alerting.close());
    const client = await TestClient.open(url);
    cleanups.push(() => client.close());
    await client.subscribe('alerts');
    const sup = new Supervisor({ hub: alerting.tap(hub), watchdog: false, definitions: [{ id: 'bad', command: 'exit 1' }], settleMs: 200 });
    cleanups.push(() => sup.close());
    sup.start();
    await until(() => good.got.length === 1, 'the webhook post', 10_000);
    const [post] = good.got;
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers.authorization).toBeUndefined();
    const body = JSON.parse(post?.body ?? '{}') as { source: string; alert: unknown };
    expect(body.source).toBe('switchyard');
    expect(AlertEventSchema.parse(body.alert)).toMatchObject({ rule: 'crash', process: 'bad', message: 'bad exited with code 1' });
    expect(post?.body).not.toContain('test-operator-token');
    expect(post?.body.length).toBeLessThan(400);
    await client.waitFor((m) => m.channel === 'alerts');
    await until(() => alerting.engine.counters().webhookSent === 1, 'the sent count', 2000);
  });

  it('a dead webhook is retried a bounded number of times and counted, while another webhook and the channel are served', async () => {
    const dead = await server(() => {}); // takes the post, never answers
    const good = await server((_req, res) => res.writeHead(200).end('ok'));
    // A dead post takes a second before it times out: the good webhook is served long before, even on a busy machine.
    const sender = new WebhookSender({ timeoutMs: 1000, retries: 2, retryDelayMs: 50 });
    cleanups.push(() => sender.close());
    sender.send(new URL(dead.url), alert('a'));
    sender.send(new URL(dead.url), alert('b'));
    sender.send(new URL(good.url), alert('c'));
    await until(() => good.got.length === 1, 'the good webhook', 5000);
    // The good post is done once its answer is read (a moment after the server saw it); the dead
    // one still holds its own two alerts, and nothing else.
    await until(() => sender.pending <= 2, 'the good post done', 5000);
    expect(sender.pending).toBe(2);
    await until(() => sender.pending === 0, 'the dead webhook to be given up', 10_000);
    expect(dead.got).toHaveLength(6); // two alerts, three attempts each
    expect(sender.counters).toEqual({ sent: 1, failures: 6, dropped: 2 });
  });

  it('a webhook answering 500 is a failure; a full queue drops the oldest and counts it', async () => {
    const failing = await server((_req, res) => res.writeHead(500).end());
    const sender = new WebhookSender({ retries: 0, maxQueue: 1 });
    cleanups.push(() => sender.close());
    for (const p of ['a', 'b', 'c']) sender.send(new URL(failing.url), alert(p));
    await until(() => sender.pending === 0, 'the queue to drain', 5000);
    // 'a' in flight, 'b' dropped for 'c'; both posted ones answered 500.
    expect(failing.got.map((g) => (JSON.parse(g.body) as { alert: AlertEvent }).alert.process)).toEqual(['a', 'c']);
    expect(sender.counters).toEqual({ sent: 0, failures: 2, dropped: 3 });
  });
});
