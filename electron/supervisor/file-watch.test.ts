// Restart on file changes (`watch`), with real files in a temp folder and a real supervisor: a burst
// restarts once and names a file; ignored trees (node_modules, .git, the user's globs) and files
// outside the globs do nothing; a process stopped by a user stays stopped.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileWatch } from './file-watch';
import { cleanups, runCleanups, setup, sleep, tempDir, waitUntil } from './test-support';

afterEach(runCleanups);

function project(): string {
  const dir = tempDir();
  for (const sub of ['src/lib', 'node_modules/pkg', '.git', 'docs']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'src', 'main.ts'), 'one');
  return dir;
}

describe('watch', () => {
  it('20 quick changes restart the process exactly once, and the reason names a changed file', async () => {
    const dir = project();
    const { hub, sup } = setup([{ id: 'app', command: 'echo run; sleep 1000', cwd: dir, watch: { paths: ['src/**/*.ts'], ignore: [], debounceMs: 300 } }]);
    sup.start();
    await hub.waitStatus('app', 'running');
    await sup.whenWatching('app');
    for (let i = 0; i < 20; i++) {
      writeFileSync(join(dir, 'src', i % 2 ? 'main.ts' : `lib/file${i}.ts`), `change ${i}`);
      await sleep(10);
    }
    await hub.waitStatus('app', 'running', 2);
    await sleep(800); // more than the debounce: a second restart would have come by now
    const restarting = hub.statuses('app').filter((s) => s.status === 'restarting');
    expect(restarting).toHaveLength(1);
    expect(restarting[0]?.reason).toMatch(/^file changed: src\/(main\.ts|lib\/file0\.ts) \(and \d+ more changes\)$/);
    expect(hub.statuses('app').map((s) => s.status)).toEqual(['starting', 'running', 'stopping', 'stopped', 'restarting', 'starting', 'running']);
    expect(sup.get('app').restarts).toBe(1);
  });

  it('ignores node_modules, .git, the ignore globs and paths outside the globs; a stopped process stays stopped', async () => {
    const dir = project();
    const { hub, sup } = setup([
      { id: 'app', command: 'sleep 1000', cwd: dir, watch: { paths: ['.'], ignore: ['**/*.test.ts', 'docs/**'], debounceMs: 50 } },
      { id: 'narrow', command: 'sleep 1000', cwd: dir, watch: { paths: ['src/lib/*.ts'], ignore: [], debounceMs: 50 } },
    ]);
    sup.start();
    await Promise.all([hub.waitStatus('app', 'running'), hub.waitStatus('narrow', 'running')]);
    await Promise.all([sup.whenWatching('app'), sup.whenWatching('narrow')]);
    writeFileSync(join(dir, 'node_modules', 'pkg', 'index.js'), 'x');
    writeFileSync(join(dir, '.git', 'HEAD'), 'x');
    writeFileSync(join(dir, 'src', 'main.test.ts'), 'x');
    writeFileSync(join(dir, 'docs', 'readme.md'), 'x');
    await sleep(400);
    expect(hub.statuses('app').some((s) => s.status === 'restarting')).toBe(false);
    expect(hub.statuses('narrow').some((s) => s.status === 'restarting')).toBe(false); // src/main.test.ts is not src/lib/*.ts

    writeFileSync(join(dir, 'src', 'lib', 'util.ts'), 'x');
    await Promise.all([hub.waitStatus('app', 'restarting'), hub.waitStatus('narrow', 'restarting')]);
    expect(hub.statuses('narrow').find((s) => s.status === 'restarting')?.reason).toBe('file changed: src/lib/util.ts');

    await sup.stopProcess('app');
    writeFileSync(join(dir, 'src', 'lib', 'util.ts'), 'y');
    await hub.waitStatus('narrow', 'restarting', 2);
    await sleep(200);
    expect(sup.get('app').status).toBe('stopped');
  });

  it('a FileWatch alone: a burst ends in one call; close() drops a pending burst', async () => {
    const dir = project();
    const calls: [string, number][] = [];
    const watch = new FileWatch({ cwd: dir, spec: { paths: ['src', '.'], ignore: [], debounceMs: 100 }, onChange: (f, n) => calls.push([f, n]) });
    cleanups.push(() => watch.close());
    await watch.ready;
    expect(watch.watchedFolders().some((f) => f.includes('node_modules') || f.includes('.git'))).toBe(false);
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'src', 'main.ts'), `v${i}`);
    await waitUntil(() => calls.length === 1, 'one call');
    expect(calls[0]?.[0]).toBe('src/main.ts');
    writeFileSync(join(dir, 'src', 'main.ts'), 'last');
    await sleep(30);
    await watch.close();
    await watch.close();
    await sleep(200);
    expect(calls).toHaveLength(1);
  });
});
