// Trust (issue #6): scripts/electronegativity.mjs (run by `npm test`) passes on the built app, and
// it FAILS as soon as a protection is removed: proof that the check is not vacuous. The window's
// behaviour (navigation, new windows, webviews, permissions, the IPC sender check) is tested with
// a fake electron in electron/main/desktop-app.test.ts. Electronegativity does not flag
// `nodeIntegration: true` while `sandbox` and `contextIsolation` stay on; that flag is pinned by
// desktop-app.test.ts ("opens one hardened window").
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'out');
const work = mkdtempSync(join(tmpdir(), 'switchyard-eneg-trust-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run the repository's check on a folder holding main/ and preload/. */
function check(input: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'electronegativity.mjs'), input], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => done({ code, output }));
  });
}

/** A copy of the built main process and preload with one edit to the main bundle. */
function builtWith(name: string, edit: (main: string) => string): string {
  const dir = join(work, name);
  cpSync(join(OUT, 'main'), join(dir, 'main'), { recursive: true });
  cpSync(join(OUT, 'preload'), join(dir, 'preload'), { recursive: true });
  const file = join(dir, 'main', 'index.js');
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  expect(after, `the edit "${name}" must change the bundle`).not.toBe(before);
  writeFileSync(file, after);
  return dir;
}

describe('electronegativity', () => {
  it('passes on the built app and fails when a protection is removed', async () => {
    expect(existsSync(join(OUT, 'main', 'index.js')), 'out/main is built by the vitest global setup').toBe(true);
    const noIsolation = builtWith('no-context-isolation', (s) => s.replace(/contextIsolation: true/, 'contextIsolation: false'));
    const naive = join(work, 'naive');
    mkdirSync(join(naive, 'main'), { recursive: true });
    mkdirSync(join(naive, 'preload'), { recursive: true });
    // The textbook insecure window: Node in the page, no isolation, no navigation guard.
    writeFileSync(
      join(naive, 'main', 'index.js'),
      `const { app, BrowserWindow } = require('electron');\napp.whenReady().then(() => {\n  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n  win.loadURL('http://127.0.0.1:7420/');\n});\n`,
    );
    writeFileSync(join(naive, 'preload', 'index.cjs'), '');

    const [built, isolationOff, textbook] = await Promise.all([check(OUT), check(noIsolation), check(naive)]);
    expect(built.code, built.output).toBe(0);
    expect(built.output).not.toMatch(/^\s+HIGH /m);
    expect(isolationOff.code, isolationOff.output).toBe(1);
    expect(isolationOff.output).toMatch(/HIGH CONTEXT_ISOLATION_JS_CHECK/);
    expect(textbook.code, textbook.output).toBe(1);
    expect(textbook.output).toMatch(/HIGH CONTEXT_ISOLATION_JS_CHECK/);
    expect(textbook.output).toMatch(/HIGH LIMIT_NAVIGATION_GLOBAL_CHECK/);
  }, 120_000);
});
