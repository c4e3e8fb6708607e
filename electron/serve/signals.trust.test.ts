// Trust (issue #6), faults: `serve` itself killed. As documented (serve/index.ts, CONTRACT.md
// "Commands", supervisor/watchdog.ts): SIGTERM stops every process group (a child that ignores
// SIGTERM is SIGKILLed after its grace period) and exits 0; SIGKILL gives serve no chance to run
// any code, so the watchdog, which reads EOF on its pipe when serve dies, stops every group the
// same way. Children that fork grandchildren and children that ignore SIGTERM are included.
// The plain SIGTERM case with well-behaved children is in serve.test.ts.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestClient, until } from '../hub/test-helpers';
import { groupMembers } from '../supervisor/process-group';
import { startServe, type ServeProcess } from './serve-process';

const TOKEN = 'signals-trust-token-0123456789abcdef';

/** Serve with a well-behaved child, one that forks grandchildren and one that ignores SIGTERM. */
async function startWithChildren(): Promise<{ serve: ServeProcess; groups: number[]; tokenFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-signals-'));
  const config = join(dir, 'switchyard.json');
  writeFileSync(
    config,
    JSON.stringify({
      processes: {
        plain: { command: 'echo ready; exec sleep 1000' },
        forker: { command: 'sleep 1000 & sleep 1000 & echo ready; wait' },
        stubborn: { command: "trap '' TERM; echo ready; while :; do sleep 1; done", stopGraceMs: 1000 },
      },
    }),
  );
  const tokenFile = join(dir, 'token');
  const serve = await startServe(['--config', config, '--port', '0', '--token', TOKEN, '--token-file', tokenFile], {}, dir);
  const client = await TestClient.open(serve.hubUrl, { token: TOKEN });
  for (const id of ['plain', 'forker', 'stubborn']) await client.subscribe(`process:${id}`, { since: 0 });
  await until(() => ['plain', 'forker', 'stubborn'].every((id) => client.on(`process:${id}`, 'process_output').some((m) => m.data === 'ready')), 'every child ready', 15_000);
  const list = (await client.request('process.list')).data as { id: string; pid?: number }[];
  await client.close();
  const groups = list.map((p) => p.pid).filter((p): p is number => typeof p === 'number');
  expect(groups).toHaveLength(3);
  await until(() => groupMembers(groups[1] as number).length >= 3, 'the forker and its two grandchildren', 5000);
  return { serve, groups, tokenFile };
}

describe('serve killed', () => {
  it('with SIGTERM: every group is gone (the stubborn one SIGKILLed after its grace), exit 0, token file removed', async () => {
    const { serve, groups, tokenFile } = await startWithChildren();
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(groups.map((g) => groupMembers(g))).toEqual([[], [], []]);
    expect(existsSync(tokenFile)).toBe(false);
  });

  it('with SIGKILL: the watchdog stops every group, grandchildren and the SIGTERM-ignoring one included', async () => {
    const { serve, groups, tokenFile } = await startWithChildren();
    serve.child.kill('SIGKILL');
    expect(await serve.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The watchdog sends each group its stop signal at once and SIGKILL after the grace (1 s here).
    await until(() => groups.every((g) => groupMembers(g).length === 0), `every group gone (left: ${JSON.stringify(groups.map((g) => groupMembers(g)))})`, 15_000);
    // No code of serve runs, but the watchdog removes the token file too (issue #14).
    await until(() => !existsSync(tokenFile), 'the token file removed by the watchdog', 5_000);
  });
});
