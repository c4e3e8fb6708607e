// Issue #14, "the first hour", in Chromium against real serve: a page opened without a session
// says how to log in (at once, and not "session ended"); a login link used twice answers a page
// that says how to get a new one.
import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServe, type ServeProcess } from '../../electron/serve/serve-process';

const here = dirname(fileURLToPath(import.meta.url));
let serve: ServeProcess;

test.beforeAll(async () => {
  const runtime = mkdtempSync(join(tmpdir(), 'switchyard-e2e-first-hour-'));
  serve = await startServe(['--procfile', resolve(here, 'fixtures/Procfile'), '--port', '0'], { XDG_RUNTIME_DIR: runtime });
});
test.afterAll(async () => {
  if (serve.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
});

test('opening / without a session says how to log in, not that a session ended', async ({ page }) => {
  await page.goto(`http://127.0.0.1:${serve.port}/`);
  const alert = page.getByTestId('session-ended');
  // One request tells the page it has no session: well before the client's silent retries would.
  await expect(alert).toBeVisible({ timeout: 5_000 });
  await expect(alert).toContainText('Not logged in: this page needs a login link.');
  await expect(alert).toContainText('switchyard link');
  await expect(alert).not.toContainText(/session ended|restarted/i);
  await expect(page.getByTestId('connection-status')).toHaveText('Not logged in: open a login link');
});

test('a login link used twice answers a page saying how to get a new one', async ({ page, browser }) => {
  await page.goto(serve.dashboardLink);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  const other = await browser.newPage();
  const response = await other.goto(serve.dashboardLink);
  expect(response?.status()).toBe(401);
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('No Switchyard session');
  await expect(other.getByText('switchyard link', { exact: true })).toBeVisible();
  await other.close();
});
