#!/usr/bin/env node
/**
 * The time from opening a login link to 100,000 retained lines shown (the dashboard scenario's
 * first figure, #20.5), for this checkout's serve and another's, alternating A, B, B, A… Each
 * round starts each side's serve afresh (20 processes × 5,000 lines, all retained), waits until
 * the hub holds them, then opens the dashboard OPENS times in one browser, each in a new context
 * with a new login link. The first open of a browser is cold; the later ones are what a second
 * tab costs. `npm run bench` measures one cold open among other scenarios: this isolates it.
 * usage: node bench/show-compare.mjs OTHER_CHECKOUT [--rounds N] [--opens N] [--trace DIR]
 * (`--trace DIR`: each open of this checkout's as DIR/show-<round>-<open>.trace.json, the main
 * thread's tasks without V8's sampler, whose own cost distorts short functions)
 * (both checkouts built: `npx electron-vite build` in each).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TOKEN } from './contenders.mjs';
import { launchQuiet } from './lib/chromium.mjs';
import { median } from './lib/figures.mjs';
import { ROOT, sleep, startServer } from './lib/processes.mjs';
import WebSocket from 'ws';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '4' }, opens: { type: 'string', default: '3' }, trace: { type: 'string' } },
});
const other = positionals[0] ? resolve(positionals[0]) : undefined;
if (!other) {
  console.error('usage: node bench/show-compare.mjs OTHER_CHECKOUT [--rounds N] [--opens N] [--trace DIR]');
  process.exit(2);
}
const rounds = Number(values.rounds);
const opens = Number(values.opens);
const traceDir = values.trace;
const PROCESSES = 20;
const PER_PROCESS = 5000;
const { chromium } = await import('@playwright/test');
const sides = { this: ROOT, other };
const times = { this: [], other: [] };

for (let round = 0; round < rounds; round++) {
  for (const side of round % 2 ? ['other', 'this'] : ['this', 'other']) {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-show-'));
    const generator = resolve(ROOT, 'bench/fixtures/line-generator.mjs');
    const config = ['processes:'];
    for (let p = 0; p < PROCESSES; p++) config.push(`  r${p}: { command: "node ${generator} --lines ${PER_PROCESS} --start ${p * PER_PROCESS}", restart: { mode: never } }`);
    writeFileSync(join(dir, 'show.yaml'), config.join('\n') + '\n');
    const server = await startServer(
      process.execPath,
      [resolve(sides[side], 'out/main/serve.js'), '--config', join(dir, 'show.yaml'), '--port', '0', '--token', TOKEN, '--token-file', join(dir, 'token')],
      { ready: /^Dashboard: http:\/\/127\.0\.0\.1:(\d+)\//m, env: { XDG_STATE_HOME: join(dir, 'state') } },
    );
    const browser = await launchQuiet(chromium);
    try {
      await retained(server.port);
      for (let o = 0; o < opens; o++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        const link = await loginLink(server.port);
        const tracing = traceDir && side === 'this';
        if (tracing) await browser.startTracing(page, { path: join(traceDir, `show-${round + 1}-${o + 1}.trace.json`), categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] });
        await page.goto(link);
        const shown = await page.waitForFunction(
          (rows) => {
            const view = document.querySelector('[data-testid="log-view"]');
            return Number(view?.getAttribute('data-lines') ?? 0) >= rows && document.querySelector('[data-testid="log-line"]') ? performance.now() : false;
          },
          PROCESSES * PER_PROCESS,
          { timeout: 30_000, polling: 'raf' },
        );
        times[side].push(Math.round(await shown.jsonValue()));
        if (tracing) await browser.stopTracing();
        await context.close();
        await sleep(300);
      }
    } finally {
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`round ${round + 1}: this ${times.this.slice(-opens).join(' ')} ms | other ${times.other.slice(-opens).join(' ')} ms`);
}
for (const side of ['this', 'other']) console.log(`${side} (${sides[side]}): median ${median(times[side])} ms of ${times[side].length} opens, fastest ${Math.min(...times[side])}`);
console.log(`this ÷ other (medians): ${(median(times.this) / median(times.other)).toFixed(2)}×`);

/** Until the hub holds every process's lines. */
async function retained(port) {
  for (;;) {
    const stats = await (await fetch(`http://127.0.0.1:${port}/api/stats`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
    if ((stats.channelList ?? []).filter((c) => /^process:r\d+$/.test(c.name) && c.retained >= PER_PROCESS).length >= PROCESSES) return;
    await sleep(200);
  }
}

/** A new one-time operator link (`hub.loginLink` on a connection of its own). */
function loginLink(port) {
  return new Promise((resolveLink, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'request', id: 1, data: { method: 'hub.loginLink', params: { role: 'operator' } } })));
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      if (m.type !== 'response') return;
      ws.close();
      if (m.data?.url) resolveLink(m.data.url);
      else reject(new Error(`hub.loginLink: ${JSON.stringify(m.error)}`));
    });
    ws.on('error', reject);
  });
}
