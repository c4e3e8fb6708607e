// `npm start` on a machine without an Electron binary (these machines): one line saying why,
// then serve mode on the demo set; the dashboard answers and a client with the token gets the
// demo processes' output. Where a binary exists, the window specs (tests/electron) cover start.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestClient } from '../electron/hub/test-helpers';
import { REPO_ROOT } from '../electron/serve/serve-process';
import { findElectronBinary } from './electron-binary.mjs';

const electron = findElectronBinary();

describe('npm start without an Electron binary', () => {
  it.skipIf('path' in electron)('says why in one line, then serves the demo set', async () => {
    const home = mkdtempSync(join(tmpdir(), 'switchyard-start-'));
    const token = 'start-test-token-0123456789';
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/start.mjs'), '--port', '0', '--token', token, '--token-file', join(home, 'token')], {
      cwd: REPO_ROOT,
      env: { ...process.env, INIT_CWD: home, SWITCHYARD_SKIP_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      await expect.poll(() => /^Dashboard: /m.test(out) && /^Processes: /m.test(out), { timeout: 30_000 }).toBe(true);
      const notices = out.split('\n').filter((l) => l.startsWith('switchyard: no desktop window'));
      expect(notices).toHaveLength(1);
      expect(out).toMatch(/^Processes: .*resources\/demo\/switchyard\.yaml \(demo\)$/m);
      const hubUrl = /^Hub: (\S+)$/m.exec(out)?.[1] ?? '';
      const port = new URL(hubUrl).port;
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toEqual({ ok: true });
      expect(readFileSync(join(home, 'token'), 'utf8').trim()).toBe(token);

      const client = await TestClient.open(hubUrl, { token });
      const list = (await client.request('process.list')).data as Array<{ id: string }>;
      expect(list.map((p) => p.id)).toEqual(expect.arrayContaining(['logger', 'ticker']));
      await client.subscribe('process:ticker', { since: 0 });
      await client.waitFor((m) => m.channel === 'process:ticker' && m.type === 'process_output', 20_000);
      await client.close();
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
