/**
 * Raise this process's soft limit on open files to its hard limit at start (Linux, util-linux's
 * `prlimit`): a hub with thousands of clients, processes and their pipes needs descriptors, and
 * the usual soft limit (1,024) is far below the hard one. Node has no setrlimit of its own.
 */
import { spawnSync } from 'node:child_process';

/** The soft and hard limits after the attempt; undefined where `prlimit` is missing. */
export function raiseOpenFileLimit(pid: number = process.pid): { soft: number; hard: number } | undefined {
  const read = (): { soft: number; hard: number } | undefined => {
    const out = spawnSync('prlimit', ['--pid', String(pid), '--nofile', '--raw', '--noheadings', '--output', 'SOFT,HARD'], { encoding: 'utf8', timeout: 2000 });
    const [soft, hard] = (out.stdout ?? '').trim().split(/\s+/).map(Number);
    return out.status === 0 && Number.isFinite(soft) && Number.isFinite(hard) ? { soft: soft as number, hard: hard as number } : undefined;
  };
  const now = read();
  if (!now || now.soft >= now.hard) return now;
  spawnSync('prlimit', ['--pid', String(pid), `--nofile=${now.hard}:${now.hard}`], { timeout: 2000 });
  return read();
}
