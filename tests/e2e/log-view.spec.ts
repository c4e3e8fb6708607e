// The log view in Debian's Chromium against real serve mode: levels, JSON lines, links, wrapping,
// the ANSI bomb, a million lines held and jumped through, and the search over the stored history.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../../electron/hub/test-helpers';
import { startServe, type ServeProcess } from '../../electron/serve/serve-process';

const here = dirname(fileURLToPath(import.meta.url));
const LINES = resolve(here, 'fixtures/log-view/lines.mjs');
const TOKEN = 'e2e-logview-token-0123456789';

let serve: ServeProcess;
let dir: string;
const serveArgs = () => ['--config', join(dir, 'switchyard.yaml'), '--port', '0', '--token', TOKEN, '--token-file', join(dir, 'token')];
const serveEnv = () => ({ XDG_STATE_HOME: join(dir, 'state') });

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-logview-'));
  const config = [
    'processes:',
    `  levels: { command: "node ${LINES}", restart: { mode: never } }`,
    `  million: { command: "node ${LINES} --million", autostart: false, restart: { mode: never } }`,
  ].join('\n');
  writeFileSync(join(dir, 'switchyard.yaml'), config + '\n');
  serve = await startServe(serveArgs(), serveEnv());
});
test.afterAll(async () => {
  if (serve.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function operator(): Promise<TestClient> {
  return TestClient.open(serve.hubUrl, { token: TOKEN });
}

async function openView(page: Page, id: string): Promise<void> {
  const client = await operator();
  const res = await client.request('hub.loginLink', { role: 'operator' });
  await client.close();
  await page.goto((res.data as { url: string }).url);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await page.getByRole('button', { name: `Show logs of ${id}`, exact: true }).click();
}

test('a JSON line shows compactly and expands to its fields', async ({ page }) => {
  await openView(page, 'levels');
  const row = page.getByTestId('log-line').filter({ hasText: 'payment failed' });
  await expect(row).toBeVisible({ timeout: 20_000 });
  // Level, time and message first; the other fields after them.
  await expect(row.getByTestId('log-text')).toHaveText(/^ERROR 2026-11-30T12:00:00Z payment failed status=500 user=\{"id":7\}$/);
  await expect(row).toHaveAttribute('data-level', 'error');
  await row.getByRole('button', { name: 'Expand fields' }).click();
  const fields = row.getByTestId('log-json-fields');
  await expect(fields).toContainText('status');
  await expect(fields).toContainText('500');
  await expect(fields.locator('dt')).toHaveText(['level', 'time', 'msg', 'status', 'user']);
  await row.getByRole('button', { name: 'Collapse fields' }).click();
  await expect(row.getByTestId('log-json-fields')).toHaveCount(0);
  // pino's numeric level reads as a word.
  await expect(page.getByTestId('log-line').filter({ hasText: 'request done' })).toHaveAttribute('data-level', 'info');
});

test('a field filter keeps the matching JSON lines', async ({ page }) => {
  await openView(page, 'levels');
  await expect(page.getByTestId('log-line').filter({ hasText: 'payment failed' })).toBeVisible({ timeout: 20_000 });
  await page.getByRole('textbox', { name: 'Filter lines' }).fill('status=500');
  await expect(page.getByTestId('log-line')).toHaveCount(1);
  await expect(page.getByTestId('log-line')).toContainText('payment failed');
});

test('level chips count and filter the lines', async ({ page }) => {
  await openView(page, 'levels');
  await expect(page.getByTestId('log-line').filter({ hasText: 'disk almost full' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('level-chip-warn')).toContainText('1');
  await page.getByTestId('level-chip-warn').click();
  await expect(page.getByTestId('level-chip-warn')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('log-line')).toHaveCount(1);
  await expect(page.getByTestId('log-line')).toContainText('disk almost full');
  await page.getByTestId('level-chip-error').click();
  await expect(page.getByTestId('log-line')).toHaveCount(2);
  await page.getByTestId('level-chip-warn').click();
  await page.getByTestId('level-chip-error').click();
  await expect(page.getByTestId('log-line').filter({ hasText: 'plain line with no level' })).toBeVisible();
});

test('stderr is a quiet mark, not an error colour', async ({ page }) => {
  await openView(page, 'levels');
  const row = page.getByTestId('log-line').filter({ hasText: 'an access log line on stderr' });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row).toHaveAttribute('data-stream', 'stderr');
  await expect(row.locator('.log-stderr-mark')).toHaveCount(1);
  const plain = await page.getByTestId('log-line').filter({ hasText: 'plain line with no level' }).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(await row.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(plain);
});

test('a URL is a link with the safe attributes', async ({ page }) => {
  await openView(page, 'levels');
  const link = page.getByRole('link', { name: 'http://127.0.0.1:3000/health?x=1' });
  await expect(link).toBeVisible({ timeout: 20_000 });
  await expect(link).toHaveAttribute('href', 'http://127.0.0.1:3000/health?x=1');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
});

test('wrap lets a long line take several rows', async ({ page }) => {
  await openView(page, 'levels');
  const row = page.getByTestId('log-line').filter({ hasText: 'END-OF-LONG' });
  await expect(row).toBeVisible({ timeout: 20_000 });
  const before = await row.evaluate((el) => el.getBoundingClientRect().height);
  await page.getByRole('checkbox', { name: 'Wrap lines' }).check();
  await expect.poll(() => row.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(before * 3);
  const view = page.getByTestId('log-view');
  // Wrapped, the line fits the view's width: nothing to scroll sideways.
  expect(await view.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
  await page.getByRole('checkbox', { name: 'Wrap lines' }).uncheck();
  await expect.poll(() => row.evaluate((el) => el.getBoundingClientRect().height)).toBe(before);
});

test('the ANSI bomb renders as one bold row with a bounded number of spans, and the next line after it', async ({ page }) => {
  await openView(page, 'levels');
  const bomb = page.getByTestId('log-line').filter({ hasText: /^A{10000}$/ });
  await expect(bomb).toBeVisible({ timeout: 20_000 });
  expect(await bomb.locator('span').count()).toBeLessThanOrEqual(205);
  await expect(bomb.locator('.ansi-bold').first()).toBeVisible();
  await expect(page.getByTestId('log-line').filter({ hasText: 'after the bomb' })).toBeVisible();
  // The page still answers: a click on the filter field focuses it.
  await page.getByRole('textbox', { name: 'Filter lines' }).click();
  await expect(page.getByRole('textbox', { name: 'Filter lines' })).toBeFocused();
});

test('a million lines are held; jumping to the top, the middle and the end shows the right rows', async ({ page }) => {
  test.setTimeout(180_000);
  await openView(page, 'million');
  await page.getByRole('button', { name: 'Start million', exact: true }).click();
  const view = page.getByTestId('log-view');
  const rowTexts = () => page.getByTestId('log-text').allTextContents();
  // The end: following, the last row is the last line, with the view at its cap of a million.
  await expect.poll(async () => (await rowTexts()).some((t) => t.startsWith('row 0999999 ')), { timeout: 150_000, intervals: [1000] }).toBe(true);
  await expect(view).toHaveAttribute('data-lines', '1000000');
  await view.focus();
  await page.keyboard.press('Home');
  await expect(view).toHaveAttribute('data-first', '0');
  // The oldest held row: the few lines before the rows were dropped at the cap.
  const k0 = Number(/^row (\d+)/.exec((await rowTexts())[0] ?? '')?.[1]);
  expect(k0).toBeGreaterThanOrEqual(0);
  expect(k0).toBeLessThan(100);
  await expect(page.getByTestId('log-dropped')).toContainText(/^\d+ older lines dropped \(the view keeps the newest 1,000,000\)/);
  // The middle: a click halfway down the scrollbar.
  const bar = page.getByTestId('log-scrollbar');
  const box = (await bar.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect.poll(async () => Number(await view.getAttribute('data-first'))).toBeGreaterThan(400_000);
  const middle = Number(await view.getAttribute('data-first'));
  expect(middle).toBeLessThan(600_000);
  // Row k of the view is row k0 + k of the process, give or take its one stderr line, which comes through its own pipe.
  const n = Number(/^row (\d+)/.exec((await rowTexts())[0] ?? '')?.[1]);
  expect(Math.abs(n - (k0 + middle))).toBeLessThanOrEqual(1);
  await page.keyboard.press('End');
  await expect.poll(async () => (await rowTexts()).at(-1)).toMatch(/^row 0999999 /);
});

test('"search all history" finds a line the page no longer holds', async ({ page }) => {
  await page.goto('about:blank');
  // A page that holds at most 5 lines of a process: the JSON error line, its first, is gone from it.
  const client = await operator();
  const res = await client.request('hub.loginLink', { role: 'viewer' });
  await client.close();
  await page.goto(`${(res.data as { url: string }).url}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await page.goto(new URL('/?maxLines=5', page.url()).toString());
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Show logs of levels', exact: true }).click();
  await expect(page.getByTestId('log-dropped')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('log-line').filter({ hasText: 'payment failed' })).toHaveCount(0);
  await page.getByRole('searchbox', { name: 'Search logs' }).fill('payment failed');
  await page.getByRole('button', { name: 'Search all history' }).click();
  await page.getByRole('button', { name: /Search all history for/ }).click();
  const hit = page.getByTestId('history-hit').first();
  await expect(hit).toContainText('payment failed', { timeout: 20_000 });
  await hit.click();
  await expect(page.getByTestId('history-context-hit')).toContainText('payment failed');
  await expect(page.getByTestId('history-context-line').first()).toBeVisible();
});

test('after a restart of serve, the earlier run is read back from the store above the new one, with its separator', async ({ page }) => {
  // The first run's lines are stored; a new serve's hub holds only the new run.
  await expect.poll(async () => {
    const c = await operator();
    try {
      const res = (await c.request('logs.read', { processes: ['levels'], limit: 100 })) as { data?: { lines?: unknown[] } };
      return res.data?.lines?.length ?? 0;
    } finally {
      await c.close();
    }
  }).toBeGreaterThanOrEqual(10);
  serve.child.kill('SIGTERM');
  await serve.exited;
  serve = await startServe(serveArgs(), serveEnv());
  await openView(page, 'levels');
  const failed = page.getByTestId('log-line').filter({ hasText: 'payment failed' });
  // Once from the hub (this run), once from the store (the run before), in time order.
  await expect(failed).toHaveCount(2, { timeout: 20_000 });
  await expect(page.getByTestId('log-run').first()).toContainText(/^run \d+ · started \d\d:\d\d:\d\d/);
});

