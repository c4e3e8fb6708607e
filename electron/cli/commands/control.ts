/** `switchyard start|stop|restart NAME...`: as the dashboard's buttons, for each name. */
import type { ProcessInfo } from '../../../shared/protocol/payloads/process';
import { CliError } from '../cli-error';
import type { CliIo } from '../cli-io';
import { statusText } from '../ps-table';
import { withSession, type InstanceOptions } from './with-session';

export type ControlAction = 'start' | 'stop' | 'restart';

const DONE: Record<ControlAction, string> = { start: 'started', stop: 'stopped', restart: 'restarted' };
// A stop waits for the group to exit (its grace period, then SIGKILL): longer than a plain request.
const CONTROL_TIMEOUT_MS = 120_000;

/**
 * Check every name first (an unknown one fails the command before anything is touched), then act
 * on all of them at once; one line per process, in the order given. Exits 1 when any failed.
 */
export async function runControl(action: ControlAction, names: readonly string[], options: InstanceOptions, io: CliIo): Promise<number> {
  return withSession(options, io, async (session) => {
    const known = (await session.call('process.list')).map((p) => p.id);
    const unknown = [...new Set(names)].filter((n) => !known.includes(n));
    if (unknown.length > 0) {
      throw new CliError(`unknown process${unknown.length > 1 ? 'es' : ''}: ${unknown.join(', ')} (known: ${known.join(', ') || 'none'})`);
    }
    const unique = [...new Set(names)];
    const results = await Promise.allSettled(unique.map((id) => session.call(`process.${action}`, { id }, CONTROL_TIMEOUT_MS)));
    let failed = 0;
    results.forEach((result, i) => {
      const id = unique[i] as string;
      if (result.status === 'fulfilled') io.out(`${id}: ${DONE[action]} (${describe(result.value)})\n`);
      else {
        failed++;
        io.err(`switchyard: ${action} ${id}: ${(result.reason as Error).message}\n`);
      }
    });
    return failed > 0 ? 1 : 0;
  });
}

function describe(p: ProcessInfo): string {
  return p.pid !== undefined && p.status !== 'stopped' && p.status !== 'exited' ? `${statusText(p)}, pid ${p.pid}` : statusText(p);
}
