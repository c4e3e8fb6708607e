// Resource figures of a process from /proc (Linux): resident memory and open file descriptors.
import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size of `pid` in bytes, or NaN when unreadable. */
export function rssBytes(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Open file descriptors of `pid`, or NaN when unreadable. */
export function fdCount(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

/** Both figures at once. */
export function sample(pid) {
  return { rss: rssBytes(pid), fds: fdCount(pid) };
}
