/** `switchyard ps [--json]`: the process list as a table, or as the `process.list` array. */
import type { CliIo } from '../cli-io';
import { formatPsTable } from '../ps-table';
import { useColour } from '../text-style';
import { withSession, type InstanceOptions } from './with-session';

export async function runPs(options: InstanceOptions & { json?: boolean }, io: CliIo): Promise<number> {
  const list = await withSession(options, io, (session) => session.call('process.list', { fresh: true }));
  io.out(options.json ? `${JSON.stringify(list, null, 2)}\n` : formatPsTable(list, Date.now(), useColour(io.env, io.stdoutIsTTY)));
  return 0;
}
