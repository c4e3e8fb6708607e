// The desktop window itself, through Playwright's Electron driver. Runs wherever an Electron
// binary exists (ELECTRON_OVERRIDE_DIST_PATH honoured); elsewhere each test reports itself
// skipped with the reason. `npm run build` must have run (npm test does it).
import { _electron as electron, expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';

const binary = findElectronBinary();
const skipReason = 'path' in binary ? '' : `skipped: no Electron binary (${binary.reason})`;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Whether a process exists (signal 0 checks without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Process ids whose parent chain leads to `pid`. */
function descendants(pid: number): number[] {
  try {
    const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
    const children = new Map<number, number[]>();
    for (const line of out.trim().split('\n')) {
      const [p, pp] = line.trim().split(/\s+/).map(Number) as [number, number];
      children.set(pp, [...(children.get(pp) ?? []), p]);
    }
    const all: number[] = [];
    const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (all.push(c), walk(c)));
    walk(pid);
    return all;
  } catch {
    return [];
  }
}

test.describe('the desktop window', () => {
  test.skip(!('path' in binary), skipReason);

  test('opens on the demo set, shows live output, and quits leaving no child behind', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'switchyard-electron-'));
    writeFileSync(join(cwd, 'Procfile'), 'ticker: i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.2; done\n');
    const app = await electron.launch({
      args: [root, '--port', '0', '--token-file', join(cwd, 'token')],
      cwd,
      executablePath: 'path' in binary ? binary.path : undefined,
    });
    const pid = app.process().pid ?? 0;
    const page = await app.firstWindow();
    await expect(page.getByText(/tick \d+/).first()).toBeVisible({ timeout: 20_000 });
    // No Node in the page; the preload exposes one function and nothing else.
    const exposed = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((globalThis as { switchyard?: object }).switchyard ?? {}),
    }));
    expect(exposed).toEqual({ require: 'undefined', process: 'undefined', bridge: ['hubConnection'] });
    const shells = descendants(pid);
    expect(shells.length).toBeGreaterThan(0);
    await app.close();
    await expect.poll(() => shells.filter(alive).length, { timeout: 10_000 }).toBe(0);
  });

  test('denies navigation away and new windows', async () => {
    const app = await electron.launch({ args: [root, '--port', '0'], executablePath: 'path' in binary ? binary.path : undefined });
    const page = await app.firstWindow();
    const before = page.url();
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    await page.evaluate(() => window.open('https://example.com/'));
    await page.waitForTimeout(500);
    expect(app.windows()).toHaveLength(1);
    await app.close();
  });
});
