/**
 * Scenario 5, the dashboard in Chromium against serve mode: (a) the time from opening the
 * printed `Dashboard:` login link to a view holding 100,000 retained lines (20 processes that
 * printed 5,000 lines each, all within the hub's retention), then (b) with a process printing
 * 10,000 lines per second, the longest main-thread task (PerformanceObserver 'longtask') and the
 * longest click-to-next-paint (Event Timing 'event' entries; a rAF fallback) while switching
 * between process views.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOKEN } from '../contenders.mjs';
import { Figures, goals } from '../lib/figures.mjs';
import { profileArgs, ROOT, sleep, startServer } from '../lib/processes.mjs';

const ROW_HEIGHT = 18; // renderer/src/logs/log-view.tsx
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** Run the dashboard scenario; `quick` shortens the steady phase and the retained set. */
export async function dashboard({ log, quick }) {
  const processes = quick ? 4 : 20;
  const perProcess = 5000;
  const retained = processes * perProcess;
  const steadySeconds = quick ? 3 : 6;
  const figures = new Figures('5. Dashboard in Chromium');
  const shown = `${retained.toLocaleString('en-US')} retained lines`;
  const steady = `10,000 lines/s for ${steadySeconds} s, switching views every ${steadySeconds > 3 ? 1 : 0.5} s`;
  figures.define('show', { caseName: shown, figure: 'time to show them', unit: 'ms', ratio: false, goal: goals.below(1000, '< 1 s') });
  figures.define('connected', { caseName: shown, figure: 'time to "connected"', unit: 'ms', ratio: false });
  figures.define('firstLine', { caseName: shown, figure: 'time to the first line', unit: 'ms', ratio: false });
  figures.define('longtask', { caseName: steady, figure: 'longest main-thread task', unit: 'ms', ratio: false, goal: goals.below(50, '< 50 ms'), note: "'longtask' entries exist only for tasks of 50 ms or more: 0 means none" });
  figures.define('frameGap', { caseName: steady, figure: 'longest gap between frames', unit: 'ms', ratio: false });
  figures.define('click', { caseName: steady, figure: 'longest click to next paint', unit: 'ms', ratio: false, goal: goals.below(100, '< 100 ms') });
  log(`dashboard: ${shown}; ${steady}`);

  let chromium;
  try {
    ({ chromium } = await import('@playwright/test'));
  } catch {
    figures.skip('show', 'hub', 'no @playwright/test');
    return figures.summarize();
  }
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-ui-'));
  const generator = resolve(ROOT, 'bench/fixtures/line-generator.mjs');
  const config = ['processes:'];
  for (let p = 0; p < processes; p++) config.push(`  r${p}: { command: "node ${generator} --lines ${perProcess} --start ${p * perProcess}", restart: { mode: never } }`);
  config.push(`  steady: { command: "node ${generator} --rate 10000 --lines ${10_000 * (steadySeconds + 20)}", autostart: false, restart: { mode: never } }`);
  writeFileSync(join(dir, 'bench.yaml'), config.join('\n') + '\n');
  const server = await startServer(
    process.execPath,
    [...profileArgs(), resolve(ROOT, 'out/main/serve.js'), '--config', join(dir, 'bench.yaml'), '--port', '0', '--token', TOKEN, '--token-file', join(dir, 'token')],
    { ready: /^Dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/\S+)$/m },
  );
  const link = server.match[1];
  const port = Number(server.match[2]);
  let browser;
  try {
    await waitForRetained(port, processes, perProcess);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(observeLongTasks);
    await page.goto(link);
    const showMs = await page.waitForFunction(
      (rows) => {
        const view = document.querySelector('[data-testid="log-view"]');
        const inner = view?.firstElementChild?.nextElementSibling ?? view?.lastElementChild;
        const height = inner ? parseFloat(inner.style.height || '0') : 0;
        return height >= rows && document.querySelector('[data-testid="log-line"]') ? performance.now() : false;
      },
      retained * ROW_HEIGHT,
      { polling: 'raf', timeout: 60_000 },
    );
    const show = await showMs.jsonValue();
    const milestones = await page.evaluate(() => window.__bench.milestones());
    figures.set('show', 'hub', 0, show);
    figures.set('connected', 'hub', 0, milestones.connected);
    figures.set('firstLine', 'hub', 0, milestones.firstLine);
    log(`  ${retained} lines shown ${show.toFixed(0)} ms after opening the link (connected at ${milestones.connected?.toFixed(0)} ms, first line at ${milestones.firstLine?.toFixed(0)} ms)`);

    await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Start steady', exact: true }).click();
    await page.locator('[data-testid="log-line"][data-process="steady"]').first().waitFor({ timeout: 20_000 });
    await sleep(1000); // the first second: the process starting, the JIT warming up
    await page.evaluate(() => window.__bench.reset());
    const steps = steadySeconds * (steadySeconds > 3 ? 1 : 2);
    for (let i = 0; i < steps; i++) {
      const name = i % 2 === 0 ? 'Show logs of steady' : 'Show logs of all processes';
      await page.getByRole('button', { name, exact: true }).click();
      await sleep((steadySeconds * 1000) / steps);
    }
    const m = await page.evaluate(() => window.__bench.read());
    figures.set('longtask', 'hub', 0, m.longestTask);
    figures.set('click', 'hub', 0, m.longestClick);
    figures.set('frameGap', 'hub', 0, m.longestFrameGap);
    log(`  steady: longest task ${m.longestTask.toFixed(0)} ms, longest click ${m.longestClick.toFixed(0)} ms (${m.clicks} clicks, ${m.source}), longest frame gap ${m.longestFrameGap.toFixed(0)} ms`);
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures.summarize();
}

/** Poll /api/stats until every retained process has all its lines in the hub. */
async function waitForRetained(port, processes, perProcess) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/api/stats`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const stats = await res.json();
    const done = (stats.channelList ?? []).filter((c) => /^process:r\d+$/.test(c.name) && c.retained >= perProcess).length;
    if (done >= processes) return;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${processes} processes retained their lines in 60 s`);
    await sleep(200);
  }
}

// Runs in the page before its scripts: records long tasks, click-to-paint times and lines received.
function observeLongTasks() {
  const state = { longestTask: 0, longestClick: 0, clicks: 0, source: 'event timing', since: 0, longestFrameGap: 0 };
  // Milestones of the first load, and the gaps between animation frames (a frame late by more
  // than a task is what a user sees as a stall, whether or not one task was long).
  const marks = { connected: null, firstLine: null };
  let lastFrame = 0;
  const frame = (t) => {
    if (lastFrame && t - lastFrame > state.longestFrameGap && lastFrame >= state.since) state.longestFrameGap = t - lastFrame;
    lastFrame = t;
    if (marks.connected === null && document.querySelector('[data-testid="connection-status"][data-state="connected"]')) marks.connected = performance.now();
    if (marks.firstLine === null && document.querySelector('[data-testid="log-line"]')) marks.firstLine = performance.now();
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.startTime >= state.since) state.longestTask = Math.max(state.longestTask, e.duration);
  }).observe({ type: 'longtask', buffered: true });
  let eventTiming = false;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.name !== 'click' || e.startTime < state.since) continue;
        eventTiming = true;
        state.longestClick = Math.max(state.longestClick, e.duration);
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch {
    state.source = 'rAF';
  }
  // Fallback and a count: from the click's timestamp to the frame after it was handled.
  let rafLongest = 0;
  addEventListener(
    'click',
    (e) => {
      if (e.timeStamp < state.since) return;
      state.clicks++;
      const t0 = e.timeStamp;
      requestAnimationFrame(() => setTimeout(() => (rafLongest = Math.max(rafLongest, performance.now() - t0)), 0));
    },
    true,
  );
  window.__bench = {
    reset: () => {
      state.since = performance.now();
      state.longestTask = state.longestClick = state.clicks = state.longestFrameGap = 0;
      rafLongest = 0;
    },
    milestones: () => ({ ...marks }),
    read: () => {
      // Event Timing only reports clicks slower than 16 ms; none means all were fast.
      if (!eventTiming) state.longestClick = Math.max(state.longestClick, rafLongest);
      return { ...state, rafLongest };
    },
  };
}
