/** Test helper: runs the built serve entry (`out/main/serve.js`) as a real child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A fresh state folder for one serve of a test (its stored output), unless the test names one with env XDG_STATE_HOME. */
function freshStateHome(): string {
  return mkdtempSync(join(tmpdir(), 'switchyard-test-state-'));
}

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A running `serve` and the lines it printed. */
export interface ServeProcess {
  child: ChildProcess;
  hubUrl: string;
  port: number;
  dashboardLink: string;
  tokenFile: string;
  output: () => string;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start serve with arguments and wait for its printed lines. */
export function startServe(args: string[], env: Record<string, string> = {}, cwd = REPO_ROOT, wrapper: string[] = []): Promise<ServeProcess> {
  // `wrapper`: a command that runs serve (e.g. prlimit with lowered limits); serve's own pid is then its child's.
  const [command, ...prefix] = wrapper.length > 0 ? [...wrapper, process.execPath] : [process.execPath];
  const child = spawn(command as string, [...prefix, resolve(REPO_ROOT, 'out/main/serve.js'), ...args], {
    cwd,
    // Like npm, tell serve where the user "is": that is where ./Procfile is looked for.
    // Stored output goes to a state folder of the test run's, never the user's own.
    env: { ...process.env, INIT_CWD: cwd, XDG_STATE_HOME: env.XDG_STATE_HOME ?? freshStateHome(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no Dashboard line in 20 s:\n${out}`)), 20_000);
    const check = () => {
      const hub = /^Hub: (ws:\/\/[^\s]+)$/m.exec(out);
      const dash = /^Dashboard: (http:\/\/[^\s]+)$/m.exec(out);
      const tokenFile = /^Token file: (.*)$/m.exec(out);
      if (!/^Processes: /m.test(out)) return;
      if (!hub?.[1] || !dash?.[1] || !tokenFile) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolveStart({ child, hubUrl: hub[1], port: Number(new URL(hub[1]).port), dashboardLink: dash[1], tokenFile: tokenFile[1] ?? '', output: () => out, exited });
    };
    child.stdout.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before it was ready:\n${out}`));
    });
  });
}
