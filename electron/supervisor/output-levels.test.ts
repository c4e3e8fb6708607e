// The level a line states reaches the wire: a real child process under the Supervisor, the real
// Hub on port 0, and a viewer's `ws` client on `process:<id>`. Each `process_output` carries the
// top-level `level` its line states (CONTRACT.md, "Output kept, understood and typed into"), and
// a line that states none carries no `level` at all.
import { afterEach, expect, it } from 'vitest';
import { validateMessage, type Message } from '../../shared/protocol';
import { startHub, TestClient, until, VIEWER_TOKEN } from '../hub/test-helpers';
import { Supervisor } from './supervisor';
import { NODE, cleanups, fixture, runCleanups } from './test-support';

afterEach(runCleanups);

it("sends each real process line with the level it states, and none for a line that states none", async () => {
  const { hub, url } = await startHub();
  cleanups.push(() => hub.close());
  const sup = new Supervisor({ hub, watchdog: false, log: () => {}, definitions: [{ id: 'levels', command: `${NODE} ${fixture('levels.mjs')}` }] });
  cleanups.push(() => sup.close());
  const viewer = await TestClient.open(url, { token: VIEWER_TOKEN });
  cleanups.push(() => viewer.close());
  await viewer.subscribe('process:levels');
  sup.start();

  const outputs = (): Message[] => viewer.on('process:levels', 'process_output');
  await until(() => outputs().length >= 5, 'five lines on process:levels', 15_000);
  for (const m of outputs()) expect(validateMessage(m).ok).toBe(true);
  const seen = outputs().map((m) => {
    const { data, stream, level } = m as Message & { stream?: string; level?: string };
    return { data, stream, ...('level' in m ? { level } : {}) };
  });
  // stdout in its order; the stderr pipe may come before or after it.
  expect(seen.filter((l) => l.stream === 'stdout')).toEqual([
    { data: 'ERROR something broke', stream: 'stdout', level: 'error' },
    { data: '{"level":"warn","msg":"disk almost full"}', stream: 'stdout', level: 'warn' },
    { data: 'a plain line with no level', stream: 'stdout' },
    { data: '{"level":30,"msg":"pino info"}', stream: 'stdout', level: 'info' },
  ]);
  expect(seen.filter((l) => l.stream === 'stderr')).toEqual([{ data: 'level=debug msg="logfmt on stderr"', stream: 'stderr', level: 'debug' }]);
});
