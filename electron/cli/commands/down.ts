/** `switchyard down`: SIGTERM to the instance (it stops every process group, then exits), and wait until it is gone. */
import { CliError } from '../cli-error';
import type { CliIo } from '../cli-io';
import { locate, type InstanceOptions } from './with-session';
import { pidExists } from '../../platform/pid-exists';

// The instance waits for each group's grace period (5 s by default, configurable): wait well past it.
const WAIT_MS = 120_000;

export async function runDown(options: InstanceOptions, io: CliIo): Promise<number> {
  const instance = await locate(options, io);
  const pid = instance.record?.pid;
  if (pid === undefined) {
    throw new CliError(`the instance on port ${instance.port} wrote no instance record, so its pid is unknown: stop it where it runs (Ctrl-C), or with kill`);
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    throw new CliError(`cannot signal the instance on port ${instance.port} (pid ${pid}): ${(err as Error).message}`);
  }
  const deadline = Date.now() + WAIT_MS;
  while (pidExists(pid)) {
    if (Date.now() > deadline) throw new CliError(`the instance on port ${instance.port} (pid ${pid}) is still stopping after ${WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  io.out(`stopped the instance on port ${instance.port} (pid ${pid}) and its processes\n`);
  return 0;
}
