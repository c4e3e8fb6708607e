// Interactive terminals in Debian's Chromium against real serve mode (`out/main/serve.js`): an
// operator types into bash's terminal view, a viewer's view takes no input, the pane's size is the
// process's terminal size, and a stdin process takes a line from the input under its log.
import { expect, test, type Page } from '@playwright/test';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../../electron/hub/test-helpers';
import { startServe, type ServeProcess } from '../../electron/serve/serve-process';

const here = dirname(fileURLToPath(import.meta.url));
const CONFIG = resolve(here, 'fixtures/terminal.yaml');
const TOKEN = 'e2e-terminal-token-0123456789';
const SHOTS = resolve(here, '../../artifacts/screenshots');

let serve: ServeProcess;
test.beforeAll(async () => {
  serve = await startServe(['--config', CONFIG, '--port', '0', '--token', TOKEN, '--token-file', join(here, '../../test-results/e2e-terminal.token')]);
});
test.afterAll(async () => {
  if (serve.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
});

async function openTerminal(page: Page, role: 'operator' | 'viewer') {
  const client = await TestClient.open(serve.hubUrl, { token: TOKEN });
  const link = ((await client.request('hub.loginLink', { role })).data as { url: string }).url;
  await client.close();
  await page.goto(link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Show logs of shell' }).click();
  await expect(page.getByTestId('terminal-view')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  const host = page.getByRole('region', { name: 'Terminal of shell' });
  return { host, rows: host.locator('.xterm-rows') };
}

test('an operator types a command into the terminal and sees its output', async ({ page }) => {
  const { host, rows } = await openTerminal(page, 'operator');
  await expect(rows).toContainText('$', { timeout: 20_000 });
  await host.click();
  await page.keyboard.type('echo typed-$((6*7))');
  await page.keyboard.press('Enter');
  await expect(rows).toContainText('typed-42', { timeout: 20_000 });
  await page.screenshot({ path: join(SHOTS, 'terminal.png') });
  // a full-screen program draws in it, takes its keys, and gives the prompt back when it quits
  await page.keyboard.type('top -d 1');
  await page.keyboard.press('Enter');
  await expect(rows).toContainText('load average', { timeout: 20_000 });
  await page.screenshot({ path: join(SHOTS, 'terminal-top.png') });
  await page.keyboard.press('q');
  // top flushes unread input when it restores the terminal: type again until the shell has it
  await expect(async () => {
    await page.keyboard.type('echo back-$((1+1))');
    await page.keyboard.press('Enter');
    await expect(rows).toContainText('back-2', { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  // the same text reaches the log lines (filtered: the view draws only the rows on screen, and top's lines came after)
  await page.getByRole('button', { name: 'Log lines' }).click();
  await page.getByRole('textbox', { name: 'Filter lines' }).fill('typed-42');
  await expect(page.getByTestId('log-text').filter({ hasText: /^typed-42$/ })).toHaveCount(1, { timeout: 20_000 });
});

test('copy and paste: the selection to the clipboard, the clipboard into the program', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { host, rows } = await openTerminal(page, 'operator');
  await host.click();
  await page.keyboard.type('echo copy-me-please');
  await page.keyboard.press('Enter');
  const line = rows.locator('div').filter({ hasText: /^copy-me-please\s*$/ }).last();
  await expect(line).toBeVisible({ timeout: 20_000 });
  // drag over the row (xterm draws its own selection; the rows under it take no pointer events)
  const box = (await line.boundingBox())!;
  await page.mouse.move(box.x + 1, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 14 * 8, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.press('Control+Shift+C');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^copy-me-please/);
  await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((2*21))'));
  await page.keyboard.press('Control+Shift+V');
  await page.keyboard.press('Enter');
  await expect(rows).toContainText('pasted-42', { timeout: 20_000 });
});

test("a viewer's terminal takes no input", async ({ page }) => {
  const sent: string[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
  const { host, rows } = await openTerminal(page, 'viewer');
  await expect(page.getByTestId('terminal-readonly')).toHaveText('read-only');
  await expect(host).toHaveAttribute('data-readonly', 'true');
  await host.click();
  await page.keyboard.type('echo viewer-typed');
  await page.keyboard.press('Enter');
  // An operator writes afterwards; once the viewer sees that, the viewer's keys would have shown too.
  const op = await TestClient.open(serve.hubUrl, { token: TOKEN });
  await op.request('process.input', { id: 'shell', data: 'echo operator-$((1+1))\r' });
  await op.close();
  await expect(rows).toContainText('operator-2', { timeout: 20_000 });
  await expect(rows).not.toContainText('viewer-typed');
  expect(sent.filter((f) => f.includes('process.input') || f.includes('process.resize'))).toEqual([]);
});

test("resizing the window resizes the process's terminal", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const { host, rows } = await openTerminal(page, 'operator');
  const cols = async () => Number(await host.getAttribute('data-cols'));
  await expect.poll(cols, { timeout: 20_000 }).toBeGreaterThan(60);
  const wide = await cols();
  await page.setViewportSize({ width: 760, height: 600 });
  await expect.poll(cols, { timeout: 20_000 }).toBeLessThan(wide);
  const narrow = await cols();
  await host.click();
  await page.keyboard.type('echo width=$(tput cols)');
  await page.keyboard.press('Enter');
  await expect(rows).toContainText(`width=${narrow}`, { timeout: 20_000 });
  // and the hub's screen of it has that size too
  const op = await TestClient.open(serve.hubUrl, { token: TOKEN });
  const screen = (await op.request('process.screen', { id: 'shell' })).data as { cols: number };
  await op.close();
  expect(screen.cols).toBe(narrow);
});

test('a stdin process takes a line from the input under its log (operators)', async ({ page }) => {
  const client = await TestClient.open(serve.hubUrl, { token: TOKEN });
  const link = ((await client.request('hub.loginLink', { role: 'operator' })).data as { url: string }).url;
  await client.close();
  await page.goto(link);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Show logs of echoer' }).click();
  await page.getByLabel('Input to echoer').fill('hello from the page');
  await page.getByLabel('Input to echoer').press('Enter');
  await expect(page.getByTestId('log-text').filter({ hasText: /^hello from the page$/ })).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByLabel('Input to echoer')).toHaveValue('');
});
