/**
 * One check of each probe kind (tcp, http, exec), each bounded by its timeout and cancelled by an
 * AbortSignal: a check never outlives its probe, and never throws (a failure is a result with a
 * message a user can act on). The scheduling, thresholds and the `log` kind are in probe.ts.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { signalGroup } from './process-group';

/** The outcome of one check. */
export interface CheckResult {
  ok: boolean;
  /** What happened, for the reason of a status (`connect ECONNREFUSED 127.0.0.1:5432`, `HTTP 503`). */
  message: string;
}

/** Where and how an exec check runs: the process's own cwd, environment and shell. */
export interface ExecContext {
  shell: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A TCP connect to `port`; without `host`, 127.0.0.1 and ::1 are both tried and either will do. */
export async function checkTcp(port: number, host: string | undefined, timeoutMs: number, signal: AbortSignal): Promise<CheckResult> {
  const hosts = host ? [host] : ['127.0.0.1', '::1'];
  const results = await Promise.all(hosts.map((h) => connectOnce(h, port, timeoutMs, signal)));
  return results.find((r) => r.ok) ?? (results[0] as CheckResult);
}

function connectOnce(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<CheckResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: CheckResult): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = (): void => done({ ok: false, message: 'cancelled' });
    const timer = setTimeout(() => done({ ok: false, message: `no TCP connection to ${host}:${port} within ${timeoutMs} ms` }), timeoutMs);
    signal.addEventListener('abort', onAbort);
    socket.once('connect', () => done({ ok: true, message: `${host}:${port} accepts connections` }));
    socket.once('error', (err) => done({ ok: false, message: `connect to ${host}:${port}: ${(err as NodeJS.ErrnoException).code ?? err.message}` }));
  });
}

/**
 * A GET of `url`: a 2xx or 3xx status passes (redirects are not followed). The answer's body is
 * not read. For https, the certificate is not verified: a dev server's certificate is usually
 * self-signed, and the probe sends nothing secret and learns only a status code.
 */
export function checkHttp(url: string, timeoutMs: number, signal: AbortSignal): Promise<CheckResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: CheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(result);
    };
    const onAbort = (): void => done({ ok: false, message: 'cancelled' });
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { method: 'GET', rejectUnauthorized: false, headers: { 'user-agent': 'switchyard-probe' } }, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      done({ ok: status >= 200 && status < 400, message: `${url} answered HTTP ${status}` });
    });
    const timer = setTimeout(() => done({ ok: false, message: `${url} did not answer within ${timeoutMs} ms` }), timeoutMs);
    signal.addEventListener('abort', onAbort);
    req.once('error', (err) => done({ ok: false, message: `${url}: ${(err as NodeJS.ErrnoException).code ?? err.message}` }));
    req.end();
  });
}

/**
 * `command` through the shell in its own process group: exit 0 passes. At the timeout (or when
 * the probe stops) the whole group gets SIGKILL, so that a hung check leaves nothing behind.
 */
export function checkExec(command: string, context: ExecContext, timeoutMs: number, signal: AbortSignal): Promise<CheckResult> {
  return new Promise((resolve) => {
    let settled = false;
    let output = '';
    const child = spawn(context.shell, ['-c', command], { cwd: context.cwd, env: context.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = (): void => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          signalGroup(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    const done = (result: CheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      kill();
      resolve(result);
    };
    const keep = (chunk: Buffer): void => {
      if (output.length < 300) output += chunk.toString('utf8');
    };
    const onAbort = (): void => done({ ok: false, message: 'cancelled' });
    const timer = setTimeout(() => done({ ok: false, message: `\`${command}\` did not finish within ${timeoutMs} ms` }), timeoutMs);
    signal.addEventListener('abort', onAbort);
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('error', (err) => done({ ok: false, message: `\`${command}\` could not start: ${err.message}` }));
    child.once('exit', (code, sig) => {
      // The group may hold more than the shell (a backgrounded helper): it goes too.
      if (child.pid !== undefined) {
        try {
          signalGroup(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const said = output.trim().split('\n')[0]?.slice(0, 200);
      done({ ok: code === 0, message: `\`${command}\` ${sig ? `died of ${sig}` : `exited with code ${code}`}${said ? `: ${said}` : ''}` });
    });
  });
}

export { stripAnsi } from '../../shared/logs/ansi';
