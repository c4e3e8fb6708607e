/**
 * The watchdog: what kills the supervised process groups when the supervisor's own process dies
 * without running any code (SIGKILL, a crash, the OOM killer).
 *
 * Linux's prctl(PR_SET_PDEATHSIG) is not reachable from Node, and `/bin/sh -c` cannot watch its
 * parent, so each supervisor starts one small detached Node process (this file's script, run with
 * `process.execPath -e`; ELECTRON_RUN_AS_NODE=1 makes the Electron binary behave as Node). The
 * supervisor keeps the write end of the watchdog's stdin and sends it one line per change:
 * `+PGID SIGNAL GRACE_MS` when a group starts, `-PGID` when it is gone. Only the supervisor holds
 * that pipe, so when the supervisor dies, for whatever reason, the kernel closes it and the
 * watchdog reads EOF: it sends each recorded group its stop signal, SIGKILLs the groups still
 * alive after their grace period, and exits. On an orderly `close()` every group has already
 * been removed, so the watchdog just exits. The watchdog runs in its own process group and
 * session (detached), so a Ctrl-C or a SIGTERM to the supervisor's group does not take it down
 * first, and it is unref'ed so it never keeps the supervisor's event loop alive.
 *
 * The supervisor may also name files (`fPATH`: the instance record and the token file) that the
 * watchdog removes when it reaps, so that nothing points to a dead instance after a SIGKILL.
 *
 * Limits: a process that leaves its group (setsid, a double-forking daemon) escapes, as it would
 * escape any group kill; if the watchdog itself is SIGKILLed, nothing watches any more.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

// Plain JS run by `node -e`: no imports beyond Node's globals. Kept small on purpose.
const WATCHDOG_SCRIPT = `
process.title = 'switchyard-watchdog';
const groups = new Map();
const files = new Set();
let buf = '';
let reaping = false;
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.on('SIGTERM', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (line[0] === 'f') { files.add(line.slice(1)); continue; }
    const [head, sig, grace] = line.split(' ');
    const pgid = Number(head.slice(1));
    if (!(pgid > 1)) continue;
    if (head[0] === '+') groups.set(pgid, { sig: sig || 'SIGTERM', grace: Number(grace) || 5000 });
    else if (head[0] === '-') groups.delete(pgid);
  }
});
const send = (pgid, sig) => { try { process.kill(-pgid, sig); return true; } catch { return false; } };
const reap = () => {
  if (reaping) return;
  reaping = true;
  for (const file of files) { try { require('fs').rmSync(file, { force: true }); } catch {} }
  if (groups.size === 0) process.exit(0);
  const start = Date.now();
  for (const [pgid, g] of groups) if (!send(pgid, g.sig)) groups.delete(pgid);
  const timer = setInterval(() => {
    for (const [pgid, g] of groups) {
      if (!send(pgid, 0)) groups.delete(pgid);
      else if (Date.now() - start >= g.grace) { send(pgid, 'SIGKILL'); groups.delete(pgid); }
    }
    if (groups.size === 0) { clearInterval(timer); setTimeout(() => process.exit(0), 50); }
  }, 50);
};
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
`;

/** Options of {@link Watchdog}. */
export interface WatchdogOptions {
  /** The Node (or Electron) binary to run the watchdog with. Default `process.execPath`. */
  execPath?: string;
  /** Called when the watchdog exits while the supervisor still needs it. Default: nothing. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** One watchdog process per supervisor; see the file comment. */
export class Watchdog {
  private child: ChildProcess | null = null;
  private closed = false;
  private readonly groups = new Set<number>();
  private readonly files = new Set<string>();

  constructor(private readonly options: WatchdogOptions = {}) {}

  /** The watchdog's pid, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Start the watchdog process. Calling it twice is harmless. */
  start(): void {
    if (this.child || this.closed) return;
    const child = spawn(this.options.execPath ?? process.execPath, ['-e', WATCHDOG_SCRIPT], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      cwd: '/',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '' },
    });
    this.child = child;
    child.on('error', () => {
      // Reported through onUnexpectedExit below; without a watchdog the supervisor still works.
    });
    child.stdin?.on('error', () => {});
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (!this.closed) this.options.onUnexpectedExit?.(code, signal);
    });
    child.unref();
    (child.stdin as Socket | null)?.unref?.();
    for (const pgid of this.groups) this.write(`+${pgid}`);
    for (const file of this.files) this.write(`f${file}`);
  }

  /** Remove this file when the watchdog reaps (the supervisor's process died, or closed). A symlink is removed, never followed. */
  removeOnDeath(path: string): void {
    if (!path.startsWith('/') || path.includes('\n')) throw new TypeError(`removeOnDeath needs an absolute path without a newline, got ${JSON.stringify(path)}`);
    this.files.add(path);
    this.write(`f${path}`);
  }

  /** Record a process group to kill if the supervisor dies. */
  add(pgid: number, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): void {
    this.groups.add(pgid);
    this.write(`+${pgid} ${signal} ${Math.round(graceMs)}`);
  }

  /** Forget a group that is gone. */
  remove(pgid: number): void {
    if (this.groups.delete(pgid)) this.write(`-${pgid}`);
  }

  /** Stop the watchdog (it exits at once when no group is recorded). Calling it twice is harmless. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.child?.stdin?.end();
    this.child = null;
  }

  private write(line: string): void {
    const stdin = this.child?.stdin;
    if (stdin && !stdin.destroyed) stdin.write(line + '\n');
  }
}
