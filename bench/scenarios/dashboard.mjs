/**
 * Scenario 5, the dashboard in Chromium against serve mode: (a) the time from opening the
 * printed `Dashboard:` login link to a view holding 100,000 retained lines (20 processes that
 * printed 5,000 lines each, all within the hub's retention), then (b) with a process printing
 * 10,000 coloured lines per second, the longest main-thread task (PerformanceObserver 'longtask')
 * and the longest click-to-next-paint (Event Timing 'event' entries; a rAF fallback) while
 * switching between process views, then (c) a process printing 1,000,000 lines as fast as it can:
 * the browser memory per line held (CDP `Runtime.getHeapUsage`, JS heap plus array buffers, after
 * a collection, before and after), the time to jump to the top, the middle and the end of them
 * and see the row painted, and the time a search over them takes to show its first match.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOKEN } from '../contenders.mjs';
import { Figures, goals } from '../lib/figures.mjs';
import { launchQuiet } from '../lib/chromium.mjs';
import { profileArgs, profileAs, ROOT, sleep, startServer } from '../lib/processes.mjs';

const MILLION = 1_000_000;
/** Run the dashboard scenario; `quick` shortens the steady phase and the retained set. */
export async function dashboard({ log, quick }) {
  const processes = quick ? 4 : 20;
  const perProcess = 5000;
  const retained = processes * perProcess;
  const steadySeconds = quick ? 3 : 6;
  const figures = new Figures('5. Dashboard in Chromium (the log view at scale)');
  profileAs('dashboard-serve');
  const shown = `${retained.toLocaleString('en-US')} retained lines`;
  const steady = `10,000 coloured lines/s for ${steadySeconds} s, switching views every ${steadySeconds > 3 ? 1 : 0.5} s`;
  const held = '1,000,000 lines of one process';
  figures.define('show', { caseName: shown, figure: 'time to show them', unit: 'ms', ratio: false, goal: goals.below(500, '< 500 ms', { issue: 5 }) });
  figures.define('connected', { caseName: shown, figure: 'time to "connected"', unit: 'ms', ratio: false });
  figures.define('firstLine', { caseName: shown, figure: 'time to the first line', unit: 'ms', ratio: false });
  figures.define('longtask', { caseName: steady, figure: 'longest main-thread task', unit: 'ms', ratio: false, goal: goals.below(50, '< 50 ms', { issue: 5 }), note: "'longtask' entries exist only for tasks of 50 ms or more: 0 means none" });
  figures.define('frameGap', { caseName: steady, figure: 'longest gap between frames', unit: 'ms', ratio: false });
  figures.define('click', { caseName: steady, figure: 'longest click to next paint', unit: 'ms', ratio: false, goal: goals.below(100, '< 100 ms', { issue: 5 }) });
  figures.define('held', { caseName: held, figure: 'lines held in the view', ratio: false, goal: goals.atLeast(MILLION, 'all 1,000,000', { issue: 5 }), note: "the log view's data-lines once the generator's last line is drawn" });
  figures.define('millionIn', { caseName: held, figure: 'time until all are held', unit: 'ms', ratio: false, note: 'generator → supervisor → hub → page, the page following the end' });
  figures.define('bytesPerLine', { caseName: held, figure: 'browser memory per line held', unit: 'B', ratio: false, goal: goals.atMost(200, '≤ 200 B', { issue: 5 }), note: 'CDP Runtime.getHeapUsage (JS heap + array buffers) after a collection, before the process started and once all its lines are held, ÷ 1,000,000; 100-byte lines' });
  figures.define('jumpTop', { caseName: held, figure: 'jump to the top, painted', unit: 'ms', ratio: false, goal: goals.below(100, '< 100 ms', { issue: 5 }), note: 'from the key press (Home) to the frame after the first row shows, checked by its text' });
  figures.define('jumpMiddle', { caseName: held, figure: 'jump to the middle, painted', unit: 'ms', ratio: false, goal: goals.below(100, '< 100 ms', { issue: 5 }), note: 'a press halfway down the scrollbar' });
  figures.define('jumpEnd', { caseName: held, figure: 'jump to the end, painted', unit: 'ms', ratio: false, goal: goals.below(100, '< 100 ms', { issue: 5 }), note: 'the End key' });
  figures.define('searchFirst', { caseName: held, figure: 'search: first match shown', unit: 'ms', ratio: false, goal: goals.below(200, '< 200 ms', { issue: 5 }), note: 'from typing a query that matches one line, halfway up, to the match count showing it' });
  figures.define('searchAll', { caseName: held, figure: 'search: every line searched', unit: 'ms', ratio: false });
  log(`dashboard: ${shown}; ${steady}; ${held}`);

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
  config.push(`  steady: { command: "node ${generator} --ansi --rate 10000 --lines ${10_000 * (steadySeconds + 20)}", autostart: false, restart: { mode: never } }`);
  config.push(`  million: { command: "node ${generator} --lines ${MILLION}", autostart: false, restart: { mode: never } }`);
  writeFileSync(join(dir, 'bench.yaml'), config.join('\n') + '\n');
  const server = await startServer(
    process.execPath,
    [...profileArgs(), resolve(ROOT, 'out/main/serve.js'), '--config', join(dir, 'bench.yaml'), '--port', '0', '--token', TOKEN, '--token-file', join(dir, 'token')],
    // Serve stores the output by default: in a state folder of this run's own.
    { ready: /^Dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/\S+)$/m, env: { XDG_STATE_HOME: join(dir, 'state') } },
  );
  const link = server.match[1];
  const port = Number(server.match[2]);
  let browser;
  try {
    await waitForRetained(port, processes, perProcess);
    browser = await launchQuiet(chromium);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(observeLongTasks);
    // The view holds its lines outside the DOM and says how many (`data-lines`): no tall element to measure.
    const showMs = await traced(browser, page, 'show', async () => {
      await page.goto(link);
      return page.waitForFunction(
        (rows) => {
          const view = document.querySelector('[data-testid="log-view"]');
          return Number(view?.getAttribute('data-lines') ?? 0) >= rows && document.querySelector('[data-testid="log-line"]') ? performance.now() : false;
        },
        retained,
        { polling: 'raf', timeout: 60_000 },
      );
    });
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
    await traced(browser, page, 'steady', async () => {
      for (let i = 0; i < steps; i++) {
        const name = i % 2 === 0 ? 'Show logs of steady' : 'Show logs of all processes';
        await page.getByRole('button', { name, exact: true }).click();
        await sleep((steadySeconds * 1000) / steps);
      }
    });
    const m = await page.evaluate(() => window.__bench.read());
    figures.set('longtask', 'hub', 0, m.longestTask);
    figures.set('click', 'hub', 0, m.longestClick);
    figures.set('frameGap', 'hub', 0, m.longestFrameGap);
    log(`  steady: longest task ${m.longestTask.toFixed(0)} ms, longest click ${m.longestClick.toFixed(0)} ms (${m.clicks} clicks, ${m.source}), longest frame gap ${m.longestFrameGap.toFixed(0)} ms`);
    await page.getByRole('button', { name: 'Stop steady', exact: true }).click();
    await millionLines(browser, page, figures, log);
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures.summarize();
}

/** (c) A million lines in one process's view: memory per line, jumps, search. */
async function millionLines(browser, page, figures, log) {
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const u = await cdp.send('Runtime.getHeapUsage');
    return u.usedSize + (u.backingStorageSize ?? 0);
  };
  await page.getByRole('button', { name: 'Show logs of million', exact: true }).click();
  await page.getByTestId('log-view').waitFor();
  const before = await heap();
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Start million', exact: true }).click();
  // Until the generator's last line is the view's last row; the view then holds its cap of a
  // million, unless the hub cut the page as a slow consumer on the way (then a gap, and fewer).
  await page.waitForFunction(
    (n) => [...document.querySelectorAll('[data-testid="log-text"]')].some((e) => (e.textContent ?? '').startsWith(`${n - 1} `)),
    MILLION,
    { polling: 500, timeout: 300_000 },
  );
  const inMs = Date.now() - t0;
  const lines = Number(await page.getByTestId('log-view').getAttribute('data-lines'));
  const gaps = await page.getByTestId('log-gap').count();
  const after = await heap();
  const perLine = (after - before) / lines;
  figures.set('held', 'hub', 0, lines);
  if (lines >= MILLION - 5) figures.set('millionIn', 'hub', 0, inMs);
  else figures.skip('millionIn', 'hub', `the page holds ${lines} lines: the hub cut it on the way (${gaps} gap marks drawn)`);
  figures.set('bytesPerLine', 'hub', 0, perLine);
  log(`  ${lines.toLocaleString('en-US')} lines held after ${inMs} ms; ${perLine.toFixed(0)} B of browser memory per line (${((after - before) / 2 ** 20).toFixed(0)} MiB)`);

  // A jump: from the input event to the frame after the expected first row is in the DOM.
  const jump = (how) =>
    page.evaluate(async (how) => {
      const view = document.querySelector('[data-testid="log-view"]');
      const bar = document.querySelector('[data-testid="log-scrollbar"]');
      const t0 = performance.now();
      if (how === 'middle') {
        const r = bar.getBoundingClientRect();
        bar.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, pointerId: 1 }));
      } else view.dispatchEvent(new KeyboardEvent('keydown', { key: how === 'top' ? 'Home' : 'End', bubbles: true }));
      const rows = () => [...document.querySelectorAll('[data-testid="log-text"]')].map((e) => e.textContent ?? '');
      const ok = () => {
        const first = Number(view.getAttribute('data-first'));
        const lines = Number(view.getAttribute('data-lines'));
        if (how === 'top') return first === 0 && rows().length > 0;
        if (how === 'middle') return first > lines * 0.4 && first < lines * 0.6 && /^\d+ /.test(rows()[0] ?? '');
        return rows().some((t) => t.startsWith('999999 '));
      };
      for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return { ms: performance.now() - t0, ok: ok() };
    }, how);
  for (const [key, how] of [
    ['jumpTop', 'top'],
    ['jumpMiddle', 'middle'],
    ['jumpEnd', 'end'],
  ]) {
    const r = await traced(browser, page, `jump-${how}`, () => jump(how));
    if (r.ok) figures.set(key, 'hub', 0, r.ms);
    else figures.skip(key, 'hub', 'the expected rows never showed');
    log(`  jump to the ${how}: ${r.ms.toFixed(1)} ms${r.ok ? '' : ' (wrong rows!)'}`);
  }

  // Search: a query matching one line halfway up the million.
  const needle = `${MILLION / 2 + 123} 17`;
  const search = await traced(browser, page, 'search', () => page.evaluate(async (needle) => {
    const box = document.querySelector('input[aria-label="Search logs"]');
    const count = document.querySelector('[data-testid="search-count"]');
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const t0 = performance.now();
    setValue.call(box, needle);
    box.dispatchEvent(new Event('input', { bubbles: true }));
    let first = null;
    for (let i = 0; i < 20_000; i++) {
      const text = count.textContent ?? '';
      if (first === null && /^\d/.test(text)) first = performance.now() - t0;
      if (/^1 match$/.test(text)) return { first, all: performance.now() - t0 };
      await new Promise((r) => setTimeout(r, 1));
    }
    return { first, all: null };
  }, needle));
  if (search.first !== null) figures.set('searchFirst', 'hub', 0, search.first);
  if (search.all !== null) figures.set('searchAll', 'hub', 0, search.all);
  log(`  search "${needle}": first match after ${search.first?.toFixed(0)} ms, all searched after ${search.all?.toFixed(0)} ms`);
  await cdp.detach();
}

// A Chromium trace of a phase when the run profiles (--profile DIR): DIR/dashboard-<phase>.trace.json,
// with V8's samples (bench/profile-summary.mjs summarizes them) and the main thread's tasks.
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler'];
async function traced(browser, page, phase, fn) {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return fn();
  mkdirSync(dir, { recursive: true });
  await browser.startTracing(page, { path: join(dir, `dashboard-${phase}.trace.json`), categories: TRACE_CATEGORIES });
  try {
    return await fn();
  } finally {
    await browser.stopTracing();
  }
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
