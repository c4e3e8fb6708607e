/**
 * Running a shell for `up`: the Electron window where a binary and a display exist, else serve
 * (`out/main/serve.js` in this Node). The Electron binary is found as `npm start` finds it
 * (scripts/electron-binary.mjs): `ELECTRON_OVERRIDE_DIST_PATH`, else an `electron` package
 * resolvable from the installed package (its own node_modules in a clone; beside it in a global
 * install, e.g. after `npm install -g electron@41.7.1`), with its binary downloaded.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';
import type { CliIo } from './cli-io';

/** What `up` runs: the window (an Electron binary) or serve, with the reason there is no window. */
export type Shell = { electron: string } | { reason: string };

/** The window where possible (and wanted), else serve with the reason. */
export function chooseShell(wantWindow: boolean, io: Pick<CliIo, 'env'>): Shell {
  if (!wantWindow) return { reason: '--no-window' };
  const found = findElectronBinary();
  if ('reason' in found) {
    const hint = /not installed/.test(found.reason) ? '; `npm install -g electron@41.7.1` beside switchyard adds one' : '';
    return { reason: `${found.reason}${hint}` };
  }
  if (process.platform === 'linux' && !io.env.DISPLAY && !io.env.WAYLAND_DISPLAY) return { reason: 'no display: DISPLAY and WAYLAND_DISPLAY are not set' };
  return { electron: found.path };
}

/** Hooks of {@link runShell}. */
export interface ShellHooks {
  /** Called once with the `Dashboard:` link when the shell prints it. */
  onDashboard?: (url: string) => void;
}

/**
 * Run the shell with `args`, its output passed through, SIGINT/SIGTERM/SIGHUP passed on (so that
 * it stops its processes); the token, if any, is written to its stdin. Resolves with its exit status.
 */
export function runShell(shell: Shell, args: readonly string[], token: string | undefined, io: CliIo, hooks: ShellHooks = {}): Promise<number> {
  const env: Record<string, string | undefined> = { ...io.env, INIT_CWD: io.cwd };
  // Our credentials never reach a child's environment; the token goes to stdin.
  delete env.SWITCHYARD_TOKEN;
  const [command, argv] = 'electron' in shell ? [shell.electron, [io.appRoot, ...args]] : [process.execPath, [join(io.appRoot, 'out', 'main', 'serve.js'), ...args]];
  const child = spawn(command, argv, { cwd: io.cwd, env, stdio: [token === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (token !== undefined) child.stdin?.end(`${token}\n`);
  let seen = '';
  let announced = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    io.out(text);
    if (announced || !hooks.onDashboard) return;
    seen = (seen + text).slice(-64 * 1024);
    const url = /^Dashboard: (\S+)$/m.exec(seen)?.[1];
    if (url) {
      announced = true;
      hooks.onDashboard(url);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => io.err(chunk.toString()));
  const offSignal = io.onSignal((signal) => child.kill(signal));
  return new Promise((resolve) => {
    child.on('error', (err) => {
      offSignal();
      io.err(`switchyard: cannot run ${command}: ${err.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      offSignal();
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}

/** Open a link in the default browser (xdg-open; `open` on macOS), or say why not. */
export function openInBrowser(url: string, io: Pick<CliIo, 'env' | 'err'>): void {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  const path = onPath(opener, io.env.PATH ?? '');
  if (!path) {
    io.err(`switchyard: --open: no ${opener} on this machine; open the Dashboard link yourself\n`);
    return;
  }
  const child = spawn(path, [url], { detached: true, stdio: 'ignore', env: io.env });
  child.on('error', (err) => io.err(`switchyard: --open: ${opener} failed: ${err.message}\n`));
  child.unref();
}

/** The first executable `name` on a PATH, or undefined. */
function onPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}
