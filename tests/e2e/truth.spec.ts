// The dashboard tells the truth (issue #18), in Debian's Chromium against real serve with real
// processes (tests/e2e/fixtures/truth.yaml; `stopping` with its own, stopping.yaml). Each
// item is checked as text and as layout (bounding boxes), and photographed into artifacts/screenshots/.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../../electron/hub/test-helpers';
import { startServe, type ServeProcess } from '../../electron/serve/serve-process';

const here = dirname(fileURLToPath(import.meta.url));
const CONFIG = resolve(here, 'fixtures/truth.yaml');
const STOPPING = resolve(here, 'fixtures/stopping.yaml');
const TOKEN = 'e2e-truth-operator-token-0123456789';
const SHOTS = resolve(here, '../../artifacts/screenshots');
const LONG = 'a-very-long-process-name-that-keeps-going-well-beyond-the-width-of-the-sidebar';
const IDS = ['flaky', 'done', LONG, 'web', 'worker', 'ticker', 'mailer', 'cache'];

let serve: ServeProcess;
test.beforeAll(async () => {
  serve = await startServe(['--config', CONFIG, '--port', '0', '--token', TOKEN, '--token-file', join(here, '../../test-results/truth.token')]);
});
test.afterAll(async () => {
  if (serve.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
});

async function script(): Promise<TestClient> {
  return TestClient.open(serve.hubUrl, { token: TOKEN });
}

async function openDashboard(page: Page): Promise<void> {
  const client = await script();
  const res = await client.request('hub.loginLink', { role: 'operator' });
  await client.close();
  await page.goto((res.data as { url: string }).url);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect(page.getByTestId('process-status-flaky')).toContainText('gave up', { timeout: 20_000 });
}

type Box = { x: number; y: number; width: number; height: number };
async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  if (!b) throw new Error('no bounding box');
  return b;
}
function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** WCAG contrast of two `rgb(...)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

test('a process that gave up says so, and a clean exit is not drawn like a crash', async ({ page }) => {
  await openDashboard(page);
  await expect(page.getByTestId('process-status-flaky')).toHaveText('gave up after 5 restarts (code 2)');
  await expect(page.getByTestId('process-row-flaky')).toHaveAttribute('data-tone', 'bad');
  await expect(page.getByTestId('process-status-done')).toHaveText('exited (code 0)');
  await expect(page.getByTestId('process-row-done')).toHaveAttribute('data-tone', 'clean');
  const colourOf = (id: string) => page.getByTestId(`process-status-${id}`).evaluate((el) => getComputedStyle(el).color);
  const dotOf = (id: string) => page.getByTestId(`process-row-${id}`).locator('.dot').evaluate((el) => `${getComputedStyle(el).backgroundColor} ${getComputedStyle(el).borderColor}`);
  expect(await colourOf('done')).not.toBe(await colourOf('flaky'));
  expect(await dotOf('done')).not.toBe(await dotOf('flaky'));
  await page.getByTestId('process-row-flaky').screenshot({ path: join(SHOTS, 'truth-gave-up.png') });
  await page.locator('.sidebar').screenshot({ path: join(SHOTS, 'truth-exit-0.png') });
});

test('a long name and a long reason wrap inside the row, never under the buttons; the hover says name and command', async ({ page }) => {
  await openDashboard(page);
  const row = page.getByTestId(`process-row-${LONG}`);
  await expect(page.getByTestId(`process-status-${LONG}`)).toContainText('failed: command not found', { timeout: 20_000 });
  const controls = await box(row.getByRole('group', { name: `Controls of ${LONG}` }));
  const rowBox = await box(row);
  for (const part of [row.locator('.process-name'), page.getByTestId(`process-status-${LONG}`), page.getByTestId(`process-meta-${LONG}`)]) {
    const b = await box(part);
    expect(overlaps(b, controls), 'text runs under the buttons').toBe(false);
    // The name and the reason wrap beside the buttons; the details line has the row's width below them.
    if (b.y < controls.y + controls.height) expect(b.x + b.width).toBeLessThanOrEqual(controls.x + 0.5);
    expect(b.x).toBeGreaterThanOrEqual(rowBox.x);
    expect(b.y + b.height).toBeLessThanOrEqual(rowBox.y + rowBox.height + 0.5);
  }
  // It wrapped (several lines) rather than being cut or pushing the sidebar wider.
  expect((await box(row.locator('.process-name'))).height).toBeGreaterThan(30);
  expect(rowBox.width).toBeLessThanOrEqual((await box(page.locator('.sidebar'))).width);
  await expect(row.getByRole('button', { name: `Show logs of ${LONG}` })).toHaveAttribute('title', `${LONG}\n/nonexistent/path/to/a/tool/that/is/certainly/not/installed/anywhere --with --many --flags`);
  // Rows keep their three lines whatever their details: a stopped row is as tall as a running one.
  const running = (await box(page.getByTestId('process-row-mailer'))).height;
  await page.getByRole('button', { name: 'Stop mailer', exact: true }).click();
  await expect(page.getByTestId('process-status-mailer')).toHaveText(/stopped/, { timeout: 20_000 });
  expect((await box(page.getByTestId('process-row-mailer'))).height).toBe(running);
  expect((await box(page.getByTestId('process-row-cache'))).height).toBe(running);
  await page.getByRole('button', { name: 'Start mailer', exact: true }).click();
  await row.screenshot({ path: join(SHOTS, 'truth-long-name.png') });
});

test('eight processes have eight colours, neighbours distinct, the same after a reload, readable in both themes', async ({ page }) => {
  await openDashboard(page);
  const colours = async () => Promise.all(IDS.map((id) => page.getByTestId(`process-row-${id}`).locator('.process-name').evaluate((el) => getComputedStyle(el).color)));
  for (const theme of ['light', 'dark'] as const) {
    await page.getByRole('combobox', { name: 'Theme' }).selectOption(theme);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    const now = await colours();
    expect(new Set(now).size).toBe(8);
    const bg = await page.locator('.sidebar').evaluate((el) => getComputedStyle(el).backgroundColor);
    for (const c of now) expect(contrast(c, bg), `${c} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    await page.locator('.sidebar').screenshot({ path: join(SHOTS, `truth-colours-${theme}.png`) });
    await page.reload();
    await expect(page.getByTestId('process-row-cache')).toBeVisible({ timeout: 20_000 });
    expect(await colours()).toEqual(now);
  }
  // The merged log colours each process's prefix like its row.
  await page.getByRole('button', { name: 'Show logs of all processes' }).click();
  const prefix = page.locator('[data-testid="log-line"][data-process="web"] .log-prefix').first();
  await expect(prefix).toBeVisible({ timeout: 20_000 });
  expect(await prefix.evaluate((el) => getComputedStyle(el).color)).toBe((await colours())[3]);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
});

test('the theme switch: system, light, dark, remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openDashboard(page);
  const select = page.getByRole('combobox', { name: 'Theme' });
  await expect(select).toHaveValue('system');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await select.selectOption('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const light = await page.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor);
  await page.screenshot({ path: join(SHOTS, 'truth-theme-light.png') });
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  const dark = await page.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(dark).not.toBe(light);
  expect(contrast(dark, 'rgb(255, 255, 255)')).toBeGreaterThan(10);
  await page.screenshot({ path: join(SHOTS, 'truth-theme-dark.png') });
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
});

test('an issued login link opens in a dialog with a copy button and says how long it lasts', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${serve.port}` });
  await openDashboard(page);
  await page.getByRole('button', { name: 'Copy viewer login link' }).click();
  const dialog = page.getByRole('dialog', { name: 'Viewer login link' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('login-link-expiry')).toHaveText(/^It works once, until \d\d:\d\d:\d\d \(in 1[45]m \d\ds\)\.$/);
  const url = await dialog.getByRole('textbox', { name: 'Login link' }).inputValue();
  expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${serve.port}/login\\?ticket=`));
  await dialog.getByRole('button', { name: 'Copy link' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Copied to the clipboard.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  const d = await box(dialog);
  const input = await box(dialog.getByRole('textbox', { name: 'Login link' }));
  const copy = await box(dialog.getByRole('button', { name: 'Copy link' }));
  expect(overlaps(input, copy)).toBe(false);
  expect(copy.x + copy.width).toBeLessThanOrEqual(d.x + d.width);
  await expect(page.getByTestId('presence')).toContainText('(you)');
  await page.screenshot({ path: join(SHOTS, 'truth-link-dialog.png') });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('one clock format everywhere: 24-hour HH:MM:SS; the top bar shows who is connected', async ({ page }) => {
  await openDashboard(page);
  const other = await TestClient.open(serve.hubUrl, { token: TOKEN });
  await expect(page.getByTestId('presence').getByTestId('presence-chip').filter({ hasText: '(you)' })).toHaveCount(1, { timeout: 10_000 });
  await expect(page.getByTestId('presence')).toContainText('launch operator', { timeout: 10_000 });
  await page.getByRole('tab', { name: 'Hub' }).click();
  const since = page.getByTestId('hub-client-row').first().locator('td').nth(4);
  await expect(since).toHaveText(/^\d\d:\d\d:\d\d$/, { timeout: 10_000 });
  await page.getByRole('tab', { name: 'Logs' }).click();
  await page.getByRole('checkbox', { name: 'Show timestamps' }).check();
  const ts = page.locator('.log-ts').first();
  await expect(ts).toHaveText(/^\d\d:\d\d:\d\d\.\d{3} $/, { timeout: 10_000 });
  await other.close();
});

test('a stop in its grace period says when SIGKILL follows, then that SIGKILL ended it (real serve, a process that ignores SIGTERM)', async ({ page }) => {
  const own = await startServe(['--config', STOPPING, '--port', '0', '--token', TOKEN, '--token-file', join(here, '../../test-results/stopping.token'), '--no-store']);
  try {
    const client = await TestClient.open(own.hubUrl, { token: TOKEN });
    const res = await client.request('hub.loginLink', { role: 'operator' });
    await client.close();
    await page.goto((res.data as { url: string }).url);
    const stop = page.getByRole('button', { name: 'Stop api', exact: true });
    await expect(stop).toBeEnabled({ timeout: 20_000 });
    await stop.click();
    // The supervisor's `stopping` status with its `killAt` (4 s after the SIGTERM), counted down.
    await expect(page.getByTestId('process-status-api')).toHaveText(/^stopping… \(SIGKILL in [34] s\)$/, { timeout: 5000 });
    await expect(page.getByTestId('process-row-api')).toHaveAttribute('data-tone', 'busy');
    await expect(stop).toBeDisabled();
    await page.getByTestId('process-row-api').screenshot({ path: join(SHOTS, 'truth-stopping.png') });
    // Counted down (the last second may pass between two paints of a loaded machine: 2 s is enough).
    await expect(page.getByTestId('process-status-api')).toHaveText(/^stopping… \(SIGKILL in [12] s\)$/, { timeout: 5000 });
    await expect(page.getByTestId('process-status-api')).toHaveText('stopped (SIGKILL)', { timeout: 5000 });
  } finally {
    own.child.kill('SIGTERM');
    await own.exited;
  }
});
