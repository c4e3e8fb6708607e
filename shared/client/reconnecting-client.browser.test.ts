/**
 * The same module in Chromium, with the browser's own WebSocket, against the real hub: proof that
 * it holds no Node-only code, that a drop is survived there too, and that the hidden 401 becomes
 * `sessionMaybeEnded`. (The dashboard's Playwright tests cover the UI on top of it.) Skipped where
 * Debian's Chromium is not installed.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from '../../electron/hub/hub';
import { serveHub } from '../../electron/http/hub-server';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'browser-test-token-0123456789abcdef';

describe.skipIf(!existsSync(CHROMIUM))('ReconnectingClient in Chromium', () => {
  let hub: Hub;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    hub = new Hub({ tokens: { [TOKEN]: 'browser' } });
    const listening = await serveHub(hub);
    const close = hub.close.bind(hub);
    hub.close = () => close().then(() => listening.close());
    url = listening.url;
    const script = await bundle();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // The page below is served by Playwright, not from the loopback hub, so Chromium's Local
      // Network Access checks would treat it as a public site reaching into localhost.
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests'],
    });
    page = await browser.newPage();
    const origin = `http://127.0.0.1:${listening.port}`; // the hub's own origin, which its Origin check accepts
    await page.route(`${origin}/`, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><script>${script}</script>` }));
    await page.goto(`${origin}/`);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('delivers every line once, in order, across a dropped connection, with the browser WebSocket', async () => {
    await page.evaluate(
      ({ url, token }) => {
        const w = window as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        w.lines = [];
        w.client = new w.Switchyard.ReconnectingClient({ url, WebSocket, token, initialDelayMs: 20, maxDelayMs: 100 });
        w.client.subscribe('process:b', (m: { data: string }) => w.lines.push(m.data));
        w.client.start();
        return w.client.whenConnected();
      },
      { url, token: TOKEN },
    );
    for (let i = 0; i < 500; i++) {
      if (i === 200) hub.disconnect(hub.stats().clientList[0]!.id);
      hub.sendProcessOutput('b', `line ${i}`, 'stdout');
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await page.waitForFunction(() => (window as unknown as { lines: string[] }).lines.length >= 500, undefined, { timeout: 20_000 });
    const result = await page.evaluate(async () => {
      const w = window as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const info = w.client.getInfo();
      await w.client.close();
      return { lines: w.lines as string[], protocol: info.protocol, reconnected: w.client.getStats().connections };
    });
    expect(result.lines).toEqual(Array.from({ length: 500 }, (_, i) => `line ${i}`));
    expect(result.protocol).toBe('switchyard.v1');
    expect(result.reconnected).toBe(2);
  });

  it('turns the 401 the browser hides into sessionMaybeEnded, and keeps trying', async () => {
    const info = await page.evaluate(
      async ({ url }) => {
        const w = window as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        const client = new w.Switchyard.ReconnectingClient({ url, WebSocket, token: 'expired-token-0123456789', initialDelayMs: 10, maxDelayMs: 20 });
        const suspected = new Promise((resolve) => client.on('state', (s: { sessionMaybeEnded: boolean }) => s.sessionMaybeEnded && resolve(s)));
        client.start();
        const state = await suspected;
        await client.close();
        return state as { state: string; failure: string | null; closedBeforeOpen: number };
      },
      { url },
    );
    expect(info.failure).toBeNull();
    expect(info.state).not.toBe('failed');
    expect(info.closedBeforeOpen).toBeGreaterThanOrEqual(3);
  });
});

/** The client bundled for a browser (an IIFE exposing `Switchyard`), as a page would load it. */
async function bundle(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry: new URL('./index.ts', import.meta.url).pathname, formats: ['iife'], name: 'Switchyard' } },
  });
  const result = (Array.isArray(out) ? out[0] : out) as Rollup.RollupOutput;
  const chunk = result.output.find((c) => c.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('vite produced no bundle');
  return chunk.code;
}
