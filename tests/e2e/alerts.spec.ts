// Alerts and audit in Debian's Chromium against real serve: the Notification API path (asked only
// from the alert list, with the permission granted by Playwright), the unread badge and the row's
// mark, the audit list in the hub panel with an action made from a script, and removing a process
// added from the dashboard.
import { expect, test, type Page } from '@playwright/test';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../../electron/hub/test-helpers';
import { startServe, type ServeProcess } from '../../electron/serve/serve-process';

const here = dirname(fileURLToPath(import.meta.url));
const TOKEN = 'e2e-alerts-operator-token-0123456789';
const SHOTS = resolve(here, '../../artifacts/screenshots');

let serve: ServeProcess;
test.beforeAll(async () => {
  serve = await startServe(['--config', resolve(here, 'fixtures/alerts.yaml'), '--port', '0', '--token', TOKEN, '--token-file', join(here, '../../test-results/alerts.token')]);
});
test.afterAll(async () => {
  if (serve.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
});

async function script<T>(fn: (c: TestClient) => Promise<T>): Promise<T> {
  const c = await TestClient.open(serve.hubUrl, { token: TOKEN });
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

async function openDashboard(page: Page): Promise<void> {
  const url = await script(async (c) => ((await c.request('hub.loginLink', { role: 'operator' })).data as { url: string }).url);
  await page.goto(url);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect(page.getByTestId('process-row-web')).toBeVisible();
}

test('browser notifications: never asked on load, asked once from the alert list, then a crash shows one', async ({ page, context }) => {
  // Record what the page does with the real Notification API (the calls pass through).
  await page.addInitScript(() => {
    const Real = window.Notification;
    const w = window as unknown as { __asked: number; __shown: Array<{ title: string; body?: string }> };
    w.__asked = 0;
    w.__shown = [];
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        w.__shown.push({ title, body: options?.body });
      }
      static override requestPermission(...args: Parameters<typeof Notification.requestPermission>) {
        w.__asked++;
        return Real.requestPermission(...args);
      }
    }
    window.Notification = Recorded as unknown as typeof Notification;
  });
  await openDashboard(page);
  expect(await page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(0);
  await page.getByRole('button', { name: /^Alerts/ }).click();
  const list = page.getByRole('dialog', { name: 'Alerts' });
  await expect(list).toContainText('when a process crashes or an alert fires while you look at something else. Your browser will ask you once.');
  await page.screenshot({ path: join(SHOTS, 'alerts-ask.png') });
  // The user says yes to the browser's question (Playwright answers for the prompt).
  await context.grantPermissions(['notifications'], { origin: `http://127.0.0.1:${serve.port}` });
  await list.getByRole('button', { name: 'Turn on browser notifications' }).click();
  await expect(list.getByTestId('notify-state')).toHaveText('Browser notifications are on for this dashboard.');
  expect(await page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(1);
  await page.keyboard.press('Escape');

  await script((c) => c.request('process.add', { id: 'boom', command: 'echo going down; exit 7' }));
  await expect.poll(() => page.evaluate(() => (window as unknown as { __shown: unknown[] }).__shown), { timeout: 20_000 }).toEqual([{ title: 'Switchyard: boom (crash)', body: 'boom exited with code 7' }]);
  // The unread badge and the row's mark, until the alert list and the process are looked at.
  await expect(page.getByTestId('alerts-unread')).toHaveText('1');
  await expect(page.getByTestId('alert-mark-boom')).toHaveText('1');
  await page.screenshot({ path: join(SHOTS, 'alerts-badge.png') });
  await page.getByRole('button', { name: 'Alerts (1 unread)' }).click();
  await expect(list.getByTestId('alert-item').first()).toContainText('boomcrashboom exited with code 7');
  await page.screenshot({ path: join(SHOTS, 'alerts-list.png') });
  await list.getByRole('button', { name: 'Show logs of boom (alert)' }).click();
  await expect(page.getByTestId('alerts-unread')).toHaveCount(0);
  await expect(page.getByTestId('alert-mark-boom')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Logs of boom' })).toBeVisible();
  // A reload does not bring the badge back: what was seen stays seen.
  await page.reload();
  await expect(page.getByTestId('process-row-boom')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('alerts-unread')).toHaveCount(0);
  await script((c) => c.request('process.remove', { id: 'boom' }));
});

test('the hub panel lists control actions, one made from a script too; an added process can be removed from the dashboard', async ({ page }) => {
  await openDashboard(page);
  await script((c) => c.request('process.restart', { id: 'web' }));
  await page.getByRole('textbox', { name: 'New process name' }).fill('adhoc');
  await page.getByRole('textbox', { name: 'New process command' }).fill('exec sleep 1000');
  await page.getByRole('button', { name: 'Add process' }).click();
  await expect(page.getByTestId('process-status-adhoc')).toHaveText('running', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Remove web' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Remove adhoc' }).click();
  await page.getByRole('dialog', { name: 'Remove adhoc?' }).getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('process-row-adhoc')).toHaveCount(0, { timeout: 20_000 });
  await page.getByRole('tab', { name: 'Hub' }).click();
  const rows = page.getByTestId('audit-row');
  await expect(rows.filter({ hasText: 'process.remove' }).filter({ hasText: 'adhoc' })).toHaveCount(1, { timeout: 10_000 });
  const actions = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
  // Newest first: remove and add from this page, the restart from the script, the link this page was opened with.
  expect(actions.slice(0, 4)).toEqual(['process.remove', 'process.add', 'process.restart', 'hub.loginLink']);
  await expect(rows.filter({ hasText: 'process.add' }).filter({ hasText: 'adhoc' })).toContainText('(operator, you)');
  await expect(rows.filter({ hasText: 'process.restart' })).not.toContainText('you');
  await expect(rows.first().locator('td').first()).toHaveText(/^\d\d:\d\d:\d\d$/);
  await page.getByTestId('audit-list').screenshot({ path: join(SHOTS, 'audit.png') });
  await expect(page.getByTestId('rate-chart').locator('canvas')).toHaveCount(1);
  await page.getByTestId('rate-chart').screenshot({ path: join(SHOTS, 'rate-chart.png') });
});
