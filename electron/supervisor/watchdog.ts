/**
 * The watchdog: what kills the supervised process groups when the supervisor's own process dies
 * without running any code (SIGKILL, a crash, the OOM killer).
 *
 * Linux's prctl(PR_SET_PDEATHSIG) is not reachable from Node, and `/bin/sh -c` cannot watch its
 * parent, so each supervisor starts one small detached Node process (this file's script, run with
 * `process.execPath -e`; ELECTRON_RUN_AS_NODE=1 makes the Electron binary behave as Node). The
 * supervisor keeps the write end of the watchdog's stdin and sends it one line per change:
 * `=PREFIX` once (the marker prefix of this supervisor's processes), `fPATH` for a file to remove,
 * `+PGID SIGNAL GRACE_MS` when a group starts, `-PGID` when it is gone. Only the supervisor holds that pipe, so when the
 * supervisor dies, for whatever reason, the kernel closes it and the watchdog reads EOF: it sends
 * each recorded group its stop signal, and every process of this user that carries the marker but
 * left its group (setsid) SIGTERM; it SIGKILLs what is still alive after the grace periods, and
 * exits. On an orderly `close()` every group has already been removed, so the watchdog just exits.
 * The watchdog runs in its own process group and session (detached), so a Ctrl-C or a SIGTERM to
 * the supervisor's group does not take it down first, and it is unref'ed so it never keeps the
 * supervisor's event loop alive.
 *
 * A watchdog that dies while the supervisor lives (killed by a supervised process, say) is
 * reported (`onUnexpectedExit`) and replaced at once by a new one that is told every group, so that
 * a later death of the supervisor is still covered; after 5 deaths within a minute (or a spawn that
 * failed) the next one starts after 5 s, so that a watchdog that cannot live is not forked in a loop.
 *
 * The supervisor may also name files (`fPATH`: the instance record and the token file) that the
 * watchdog removes when it reaps, so that nothing points to a dead instance after a SIGKILL.
 *
 * Limits: a process that clears its environment and leaves its group escapes; so does everything
 * when the watchdog and the supervisor are killed at the same instant (the supervisor has no time
 * to replace the watchdog).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { MARKER_VARIABLE, findByEnvironment } from './proc-reader';

// Plain JS run by `node -e`: no imports beyond Node's globals. Kept small on purpose. The escapee
// search is proc-reader.ts's own function, inserted by its source text (it is self-contained).
const WATCHDOG_SCRIPT = `
process.title = 'switchyard-watchdog';
const findByEnvironment = ${findByEnvironment.toString()};
const groups = new Map();
let prefix = '';
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
    if (line[0] === '=') { prefix = line.slice(1); continue; }
    if (line[0] === 'f') { files.add(line.slice(1)); continue; }
    const [head, sig, grace] = line.split(' ');
    const pgid = Number(head.slice(1));
    if (!(pgid > 1)) continue;
    if (head[0] === '+') groups.set(pgid, { sig: sig || 'SIGTERM', grace: Number(grace) || 5000 });
    else if (head[0] === '-') groups.delete(pgid);
  }
});
const send = (id, sig) => { try { process.kill(id, sig); return true; } catch { return false; } };
const escapees = () => prefix && process.getuid
  ? findByEnvironment(require('node:fs'), ${JSON.stringify(MARKER_VARIABLE)}, prefix, process.getuid(), false, [process.pid]).map((m) => m.pid)
  : [];
const reap = () => {
  if (reaping) return;
  reaping = true;
  for (const file of files) { try { require('fs').rmSync(file, { force: true }); } catch {} }
  const strays = new Set(escapees());
  if (groups.size === 0 && strays.size === 0) process.exit(0);
  const start = Date.now();
  let grace = 0;
  for (const [pgid, g] of groups) { grace = Math.max(grace, g.grace); if (!send(-pgid, g.sig)) groups.delete(pgid); }
  for (const pid of strays) send(pid, 'SIGTERM');
  grace = grace || 5000;
  const timer = setInterval(() => {
    const late = Date.now() - start >= grace;
    for (const [pgid, g] of groups) {
      if (!send(-pgid, 0)) groups.delete(pgid);
      else if (Date.now() - start >= g.grace) { send(-pgid, 'SIGKILL'); groups.delete(pgid); }
    }
    for (const pid of escapees()) strays.add(pid);
    for (const pid of strays) if (!send(pid, 0) || (late && send(pid, 'SIGKILL'))) strays.delete(pid);
    if (groups.size === 0 && strays.size === 0) { clearInterval(timer); setTimeout(() => process.exit(0), 50); }
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
  /** The marker prefix of the supervisor's processes (`<instance>:`), for the escapee sweep. Default none. */
  markerPrefix?: string;
  /**
   * Called when the watchdog exits while the supervisor still needs it; `respawnDelayMs` says when
   * a new one starts (0: at once). Default: nothing.
   */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null, respawnDelayMs: number) => void;
}

/** Replacements at once within {@link RESPAWN_WINDOW_MS}; later ones wait {@link RESPAWN_DELAY_MS}. */
const MAX_RESPAWNS = 5;
const RESPAWN_WINDOW_MS = 60_000;
const RESPAWN_DELAY_MS = 5000;

/** One watchdog process per supervisor; see the file comment. */
export class Watchdog {
  /** Watchdogs started after an unexpected exit. */
  respawns = 0;
  private child: ChildProcess | null = null;
  private closed = false;
  private readonly groups = new Map<number, { signal: NodeJS.Signals; graceMs: number }>();
  private readonly deaths: number[] = [];
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
      // A spawn that failed (EMFILE, say) emits only 'error': count it as a death, try again later.
      if (child.pid === undefined) this.died(child, null, null, true);
    });
    child.stdin?.on('error', () => {});
    child.on('exit', (code, signal) => this.died(child, code, signal, false));
    child.unref();
    (child.stdin as Socket | null)?.unref?.();
    if (this.options.markerPrefix) this.write(`=${this.options.markerPrefix}`);
    for (const [pgid, g] of this.groups) this.write(`+${pgid} ${g.signal} ${Math.round(g.graceMs)}`);
    for (const file of this.files) this.write(`f${file}`);
  }

  /** Remove this file when the watchdog reaps (the supervisor's process died, or closed). A symlink is removed, never followed. */
  removeOnDeath(path: string): void {
    if (!path.startsWith('/') || path.includes('\n')) throw new TypeError(`removeOnDeath needs an absolute path without a newline, got ${JSON.stringify(path)}`);
    this.files.add(path);
    this.write(`f${path}`);
  }

  private died(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, spawnFailed: boolean): void {
    if (this.child !== child) return;
    this.child = null;
    if (this.closed) return;
    const now = Date.now();
    this.deaths.push(now);
    while (this.deaths.length > 0 && now - (this.deaths[0] as number) > RESPAWN_WINDOW_MS) this.deaths.shift();
    // A watchdog that was killed is replaced at once; one that could not even start (no
    // descriptors), or keeps dying, after a pause.
    const delayMs = spawnFailed || this.deaths.length > MAX_RESPAWNS ? RESPAWN_DELAY_MS : 0;
    this.respawns++;
    if (delayMs === 0) this.start();
    else setTimeout(() => this.start(), delayMs).unref();
    this.options.onUnexpectedExit?.(code, signal, delayMs);
  }

  /** Record a process group to kill if the supervisor dies. */
  add(pgid: number, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): void {
    this.groups.set(pgid, { signal, graceMs });
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

/** What the supervisor says when its watchdog died while it lives (see the file comment). */
export function watchdogExitMessage(code: number | null, signal: NodeJS.Signals | null, respawnDelayMs: number): string {
  const how = signal ? `was killed by ${signal}` : code === null ? 'could not start' : `exited with code ${code}`;
  return respawnDelayMs === 0
    ? `switchyard: the watchdog ${how}; a new one took over (processes stay guarded if Switchyard is killed)`
    : `switchyard: the watchdog ${how}; a new one starts in ${respawnDelayMs / 1000} s (until then, if Switchyard is killed with SIGKILL, its processes keep running)`;
}
