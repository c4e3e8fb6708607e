/**
 * The one reader of Linux's /proc in Switchyard: process states, process groups, CPU times,
 * resident memory, open descriptors, listening TCP sockets and environments. Everything that
 * needs to know about processes (stopping groups, finding escapees, the resource sampler, the
 * tests) asks here, so that /proc's quirks are handled once:
 * - `/proc/<pid>/stat` is "pid (comm) state ppid pgrp ...", and comm may hold spaces and
 *   parentheses: fields are read after the last `)`.
 * - a process may exit between readdir and read: every read may fail, and a failure means "gone".
 * - zombies (`Z`, `X`) are not alive, even though `kill(pid, 0)` still succeeds on them (where
 *   PID 1 does not reap orphans, as in some containers).
 *
 * On systems without /proc every function answers "nothing known" (empty lists, undefined).
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import type * as NodeFs from 'node:fs';

/** Linux's USER_HZ: /proc counts CPU time in these ticks (100 on every mainstream architecture). */
export const CLOCK_TICKS_PER_SECOND = 100;

/** The environment variable every process Switchyard starts carries: `<instance>:<process id>`. */
export const MARKER_VARIABLE = 'SWITCHYARD_SUPERVISED';

/** What `/proc/<pid>/stat` says about one process. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgid: number;
  /** Session id. */
  sid: number;
  /** One letter: R running, S sleeping, D disk wait, Z zombie, T stopped, X dead, ... */
  state: string;
  /** User plus system CPU time used so far, in {@link CLOCK_TICKS_PER_SECOND} ticks. */
  cpuTicks: number;
  /** Start time after boot, in ticks: with the pid, it names one process even across pid reuse. */
  startTicks: number;
  /** Resident pages. */
  rssPages: number;
}

/** Whether `/proc` can be read here. */
export function procAvailable(): boolean {
  try {
    statSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

/** The pids listed in /proc (every process, of every user). */
export function listPids(): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) pids.push(Number(name));
  }
  return pids;
}

/** One process's stat line, or undefined when it is gone. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  return parseStat(pid, text);
}

/** Parse a stat line (exported for tests). */
export function parseStat(pid: number, text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ")": state(3) ppid(4) pgrp(5) session(6) tty(7) tpgid(8) flags(9) minflt(10) cminflt(11)
  // majflt(12) cmajflt(13) utime(14) stime(15) cutime(16) cstime(17) priority(18) nice(19)
  // num_threads(20) itrealvalue(21) starttime(22) vsize(23) rss(24): field n is index n - 3.
  const f = text.slice(close + 2).split(' ');
  if (f.length < 22) return undefined;
  return {
    pid,
    state: f[0] as string,
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    cpuTicks: Number(f[11]) + Number(f[12]),
    startTicks: Number(f[19]),
    rssPages: Number(f[21]),
  };
}

/** Whether a stat describes a process that still runs (not a zombie). */
export function isLive(stat: ProcStat | undefined): stat is ProcStat {
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Every live process's stat, read in one pass over /proc. */
export function listProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const pid of listPids()) {
    const stat = readStat(pid);
    if (isLive(stat)) out.push(stat);
  }
  return out;
}

/** The live members of process group `pgid`, from one pass over /proc. */
export function groupMemberPids(pgid: number): number[] {
  return listProcesses()
    .filter((p) => p.pgid === pgid)
    .map((p) => p.pid);
}

/** Whether `pid` is a live process (not a zombie); with `startTicks`, also that it is the same one. */
export function pidAlive(pid: number, startTicks?: number): boolean {
  const stat = readStat(pid);
  return isLive(stat) && (startTicks === undefined || stat.startTicks === startTicks);
}

/** Resident memory in bytes (`VmRSS` of /proc/<pid>/status), or undefined when unreadable. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) * 1024 : 0; // kernel threads and zombies have no VmRSS line
  } catch {
    return undefined;
  }
}

/** User and system CPU seconds a process has used, or undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  const stat = readStat(pid);
  return stat ? stat.cpuTicks / CLOCK_TICKS_PER_SECOND : undefined;
}

/** Open file descriptors of a process, or undefined when unreadable. */
export function fdCount(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** The uid that owns a process, or undefined when it is gone. */
export function ownerUid(pid: number): number | undefined {
  try {
    return statSync(`/proc/${pid}`).uid;
  } catch {
    return undefined;
  }
}

/** A process's cmdline (arguments joined by spaces), or undefined when unreadable. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0+$/, '').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** Most descriptors looked at per process and sample: a process with a million fds must not stall us. */
const MAX_FDS_SCANNED = 4096;

/** The socket inodes among a process's open descriptors (readable for our own processes only). */
export function socketInodes(pid: number): number[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const fd of fds.slice(0, MAX_FDS_SCANNED)) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (link.startsWith('socket:[')) out.push(Number(link.slice(8, -1)));
  }
  return out;
}

/** Listening TCP sockets of this network namespace (IPv4 and IPv6): socket inode → port. */
export function listeningTcpPorts(): Map<number, number> {
  const out = new Map<number, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    parseTcpTable(text, out);
  }
  return out;
}

/** Parse a /proc/net/tcp{,6} table into `out` (exported for tests): LISTEN rows only. */
export function parseTcpTable(text: string, out: Map<number, number> = new Map()): Map<number, number> {
  // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== '0A') continue; // 0A = TCP_LISTEN
    const local = f[1] as string;
    const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    const inode = Number(f[9]);
    if (inode > 0 && port > 0) out.set(inode, port);
  }
  return out;
}

/** One process found by {@link findByEnvironment}: its pid and the variable's value. */
export interface MarkedProcess {
  pid: number;
  value: string;
}

/**
 * The processes of user `uid` whose environment holds `NAME=VALUE` with VALUE starting with
 * `valuePrefix` (exactly VALUE when `exact`). Used to find what escaped its process group.
 *
 * Self-contained on purpose (it uses only its parameters and JavaScript's globals): the watchdog,
 * a separate Node process started from a script string, runs this very function through its
 * source text (`findByEnvironment.toString()`), so that there is one implementation of the search.
 */
export function findByEnvironment(
  fs: Pick<typeof NodeFs, 'readdirSync' | 'readFileSync' | 'statSync'>,
  name: string,
  valuePrefix: string,
  uid: number,
  exact: boolean,
  skipPids: readonly number[],
): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  const key = name + '=';
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    const first = entry.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const pid = Number(entry);
    if (skipPids.indexOf(pid) >= 0) continue;
    let env: string;
    try {
      if (fs.statSync('/proc/' + entry).uid !== uid) continue;
      env = fs.readFileSync('/proc/' + entry + '/environ', 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    let at = env.startsWith(key) ? 0 : env.indexOf('\0' + key);
    if (at < 0) continue;
    if (at > 0) at += 1;
    const start = at + key.length;
    const end = env.indexOf('\0', start);
    const value = env.slice(start, end < 0 ? env.length : end);
    if (exact ? value === valuePrefix : value.startsWith(valuePrefix)) {
      let stat = '';
      try {
        stat = fs.readFileSync('/proc/' + entry + '/stat', 'latin1');
      } catch {
        continue;
      }
      const state = stat.charAt(stat.lastIndexOf(')') + 2);
      if (state !== 'Z' && state !== 'X') found.push({ pid, value });
    }
  }
  return found;
}
