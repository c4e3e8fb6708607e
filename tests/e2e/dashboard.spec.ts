// The dashboard in Debian's Chromium against real serve mode (`out/main/serve.js`), real
// processes and a real hub. Screenshots of the main views go to artifacts/screenshots/.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../../electron/hub/test-helpers';
import { startServe, type ServeProcess } from '../../electron/serve/serve-process';

const here = dirname(fileURLToPath(import.meta.url));
const PROCFILE = resolve(here, 'fixtures/Procfile');
const TOKEN = 'e2e-operator-token-0123456789';
// Not under test-results/: Playwright empties that folder at every run.
const SHOTS = resolve(here, '../../artifacts/screenshots');

let serve: ServeProcess;
const serveArgs = (port: number) => ['--procfile', PROCFILE, '--port', String(port), '--token', TOKEN, '--token-file', join(here, '../../test-results/e2e.token')];

test.beforeAll(async () => {
  serve = await startServe(serveArgs(0));
});
test.afterAll(async () => {
  if (serve.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
});

async function operatorClient(): Promise<TestClient> {
  return TestClient.open(serve.hubUrl, { token: TOKEN });
}

async function loginLink(role: 'operator' | 'viewer'): Promise<string> {
  const client = await operatorClient();
  const res = await client.request('hub.loginLink', { role });
  await client.close();
  return (res.data as { url: string }).url;
}

async function openDashboard(page: Page, role: 'operator' | 'viewer' = 'operator'): Promise<void> {
  await page.goto(await loginLink(role));
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
}

/** The numbers of the `count N` lines in the downloaded log of the counter process. */
async function downloadedCounts(page: Page): Promise<number[]> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download logs' }).click()]);
  const text = readFileSync(await download.path(), 'utf8');
  return [...text.matchAll(/count (\d+)/g)].map((m) => Number(m[1]));
}

test('lines appear live with their colours', async ({ page }) => {
  await openDashboard(page);
  const red = page.getByTestId('log-line').filter({ hasText: /red alert \d+/ }).first();
  await expect(red).toBeVisible({ timeout: 20_000 });
  // Live rows are redrawn as lines arrive: read the colour of a row that is attached (an element
  // replaced between finding and reading has no computed style), trying again until one is.
  let colour = '';
  await expect
    .poll(async () => (colour = await red.getByText(/red alert/).first().evaluate((el) => (el.isConnected ? getComputedStyle(el).color : '')).catch(() => '')), { timeout: 10_000 })
    .toMatch(/^rgb/);
  const [r, g, b] = (colour.match(/[\d.]+/g) ?? []).map(Number) as [number, number, number];
  expect(r).toBeGreaterThan(150);
  expect(g).toBeLessThan(120);
  expect(b).toBeLessThan(120);
  // Styled elements, never raw escape codes.
  await expect(page.getByTestId('log-view')).not.toContainText('[31m');
  await page.screenshot({ path: join(SHOTS, 'logs.png') });
});

test('stop and restart change the status', async ({ page }) => {
  await openDashboard(page);
  const status = page.getByTestId('process-status-counter');
  await expect(status).toContainText('running', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Stop counter' }).click();
  await expect(status).toContainText('stopped', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Restart counter' }).click();
  await expect(status).toContainText('running', { timeout: 20_000 });
});

test('search finds and highlights a line', async ({ page }) => {
  await openDashboard(page);
  await page.getByRole('button', { name: 'Show logs of needle' }).click();
  await page.getByLabel('Search logs').fill('needle-42');
  const hit = page.locator('mark.search-hit');
  await expect(hit.first()).toHaveText('needle-42', { timeout: 20_000 });
  await expect(page.getByTestId('search-count')).toContainText('1');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(hit.first()).toBeVisible();
});

test('the stderr filter hides stdout', async ({ page }) => {
  await openDashboard(page);
  await page.getByRole('button', { name: 'Show logs of errs' }).click();
  const lines = page.getByTestId('log-line');
  await expect(lines.filter({ hasText: 'out line' }).first()).toBeVisible({ timeout: 20_000 });
  await page.getByRole('combobox', { name: 'Stream filter' }).selectOption('stderr');
  await expect(lines.filter({ hasText: 'err line' }).first()).toBeVisible();
  await expect(lines.filter({ hasText: 'out line' })).toHaveCount(0);
  // Status lines (stream "system") stay; no stdout line does.
  const streams = await lines.evaluateAll((els) => els.map((e) => e.getAttribute('data-stream')));
  expect(streams).toContain('stderr');
  expect(streams).not.toContain('stdout');
});

test('the hub panel lists the page’s own client', async ({ page }) => {
  await openDashboard(page);
  await page.getByRole('tab', { name: 'Hub' }).click();
  const rows = page.getByTestId('hub-client-row');
  await expect(rows.first()).toBeVisible({ timeout: 20_000 });
  await expect(rows.filter({ hasText: 'operator' }).first()).toBeVisible();
  await expect(rows.filter({ hasText: '(you)' })).toHaveCount(1);
  await expect(page.getByTestId('hub-channels')).toContainText('process:counter');
  await page.screenshot({ path: join(SHOTS, 'hub.png') });
});

test('a dropped connection shows reconnecting, then the log goes on with no gap and no duplicate', async ({ page }) => {
  await openDashboard(page);
  await page.getByRole('button', { name: 'Show logs of counter' }).click();
  await expect(page.getByTestId('log-line').filter({ hasText: /count \d+/ }).first()).toBeVisible({ timeout: 20_000 });
  const operator = await operatorClient();
  const stats = (await operator.request('hub.stats')).data as { clientList: Array<{ id: string; subscriptions: string[] }> };
  const pageClients = stats.clientList.filter((c) => c.subscriptions.includes('process:counter'));
  expect(pageClients).toHaveLength(1);
  const disconnected = await operator.request('hub.disconnect', { clientId: pageClients[0]?.id });
  expect((disconnected as { error?: unknown }).error).toBeUndefined();
  await operator.close();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', /reconnecting|connecting/, { timeout: 10_000 });
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
  // Let lines published after the reconnect arrive, then check the whole log.
  const before = await downloadedCounts(page);
  await expect.poll(async () => (await downloadedCounts(page)).at(-1) ?? 0, { timeout: 20_000 }).toBeGreaterThan((before.at(-1) ?? 0) + 20);
  const counts = await downloadedCounts(page);
  const runs = counts.reduce<number[][]>((acc, n) => {
    const run = acc.at(-1);
    if (run && n === (run.at(-1) ?? 0) + 1) run.push(n);
    else acc.push([n]);
    return acc;
  }, []);
  // The counter may have been restarted by an earlier test: each life counts 1, 2, 3, ... and a
  // gap or a duplicate would start a run at some other number.
  expect(runs.map((run) => run[0])).toEqual(runs.map(() => 1));
  await expect(page.getByTestId('log-gap')).toHaveCount(0);
});

test('retained lines are read over HTTP, one read per process, and the log joins the live lines with no gap and no duplicate', async ({ page }) => {
  const reads: { channel: string | null; status: number; rows: unknown[] }[] = [];
  page.on('response', async (res) => {
    const url = new URL(res.url());
    if (url.pathname !== '/api/history') return;
    const body = (await res.json().catch(() => ({}))) as { rows?: unknown[] };
    reads.push({ channel: url.searchParams.get('channel'), status: res.status(), rows: body.rows ?? [] });
  });
  // Printed before the page opens: retained lines, all of them read over HTTP.
  const operator = await operatorClient();
  const counterSeq = async () => ((await operator.request('hub.stats')).data as { channelList: { name: string; seq: number }[] }).channelList.find((c) => c.name === 'process:counter')?.seq ?? 0;
  await expect.poll(counterSeq, { timeout: 20_000 }).toBeGreaterThan(5);
  await operator.close();
  await openDashboard(page);
  await page.getByRole('button', { name: 'Show logs of counter' }).click();
  await expect.poll(() => reads.filter((r) => r.channel === 'process:counter').length, { timeout: 20_000 }).toBe(1);
  expect(reads.every((r) => r.status === 200)).toBe(true);
  // The counter's retained lines came in that read, as rows the page took (not left to the replay).
  const counterRows = reads.find((r) => r.channel === 'process:counter')?.rows ?? [];
  expect(counterRows.filter((row) => Array.isArray(row)).length).toBeGreaterThan(5);
  // Anything not a row is a whole message: the status changes.
  expect(counterRows.filter((row) => !Array.isArray(row)).every((m) => (m as { type?: string }).type === 'process_status')).toBe(true);
  const before = await downloadedCounts(page);
  await expect.poll(async () => (await downloadedCounts(page)).at(-1) ?? 0, { timeout: 20_000 }).toBeGreaterThan((before.at(-1) ?? 0) + 10);
  const counts = await downloadedCounts(page);
  for (let i = 1; i < counts.length; i++) {
    // A new life of the counter starts at 1 again; anything else is a gap or a duplicate.
    if ((counts[i] as number) !== 1) expect(counts[i], `line ${i}`).toBe((counts[i - 1] as number) + 1);
  }
  await expect(page.getByTestId('log-gap')).toHaveCount(0);
});

test('when the history reads fail, the subscribe replays the retained lines instead: nothing missing', async ({ page }) => {
  let refused = 0;
  await page.route('**/api/history**', (route) => {
    refused++;
    return route.fulfill({ status: 503, body: '{"error":"busy"}', headers: { 'Retry-After': '1' } });
  });
  await openDashboard(page);
  await page.getByRole('button', { name: 'Show logs of counter' }).click();
  await expect.poll(() => refused, { timeout: 20_000 }).toBeGreaterThan(0);
  await expect.poll(async () => (await downloadedCounts(page)).length, { timeout: 20_000 }).toBeGreaterThan(10);
  const counts = await downloadedCounts(page);
  // From the first line retained, every line once: a life of the counter starts at 1 again.
  for (let i = 1; i < counts.length; i++) if ((counts[i] as number) !== 1) expect(counts[i], `line ${i}`).toBe((counts[i - 1] as number) + 1);
  await expect(page.getByTestId('log-gap')).toHaveCount(0);
});

test('a viewer link shows no controls; a login link works only once', async ({ page, browser }) => {
  const link = await loginLink('viewer');
  await page.goto(link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect(page.getByTestId('role')).toContainText('viewer', { timeout: 10_000 });
  await expect(page.getByTestId('process-row-counter')).toBeVisible();
  await expect(page.getByRole('button', { name: /^(Start|Stop|Restart) counter$/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add process' })).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, 'viewer.png') });
  const second = await browser.newPage();
  const response = await second.goto(link);
  expect(response?.status()).toBe(401);
  await second.close();
});

test('when serve restarts, the page says plainly that the session ended', async ({ page }) => {
  await openDashboard(page);
  const port = serve.port;
  serve.child.kill('SIGTERM');
  await serve.exited;
  serve = await startServe(serveArgs(port));
  await expect(page.getByTestId('session-ended')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('connection-status')).toContainText(/session ended/i);
  await page.screenshot({ path: join(SHOTS, 'session-ended.png') });
});
