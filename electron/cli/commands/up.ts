/**
 * `switchyard` / `switchyard up [options]`: pick this folder's definitions, then run the desktop
 * window (Electron, where a binary and a display exist) or serve, as a child whose lines are
 * passed through. The options are serve's own (one definition, electron/serve/cli-options.ts);
 * the token never goes on the child's argv or into its environment: it is piped to its stdin.
 */
import type { Command } from 'commander14';
import { resolve } from 'node:path';
import { demoConfigPath } from '../../core/demo-set';
import { serveOptionsFrom, type CliOptions } from '../../core/cli-options';
import { TOKEN_FLAG_WARNING, tokenFromStdin } from '../../core/token-input';
import { CliError } from '../cli-error';
import type { CliIo } from '../cli-io';
import { instancesStartedFrom } from '../instance-finder';
import { chooseShell, openInBrowser, runShell } from '../shell-launch';
import { findProjectFiles, nothingToRun } from '../project-files';

/** `up`'s own options beside serve's. */
interface UpOptions {
  demo?: boolean;
  /** False with `--no-window`. */
  window: boolean;
  open?: boolean;
}

/**
 * `argv`: what the user gave after `up` (or after `switchyard`); serve gets it as given, less
 * `up`'s own flags and the token, so that every serve option (today's and tomorrow's) reaches it.
 */
export async function runUp(command: Command, argv: readonly string[], io: CliIo): Promise<number> {
  const own = command.opts<UpOptions>();
  let options: CliOptions;
  try {
    options = serveOptionsFrom(command, io.env);
  } catch (err) {
    throw new CliError(`${(err as Error).message} (see \`switchyard up --help\`)`, 2);
  }
  if (own.demo && (options.procfile || options.config)) throw new CliError('give --demo, or --procfile / --config, not both', 2);

  const definitions = chooseDefinitions(options, own, io);
  if (!options.portExplicit) {
    const running = await instancesStartedFrom(io.cwd, io.env);
    if (running[0]) {
      throw new CliError(
        `already running from ${io.cwd} on port ${running[0].port}: \`switchyard link\` prints a login link, \`switchyard down\` stops it (--port N starts another)`,
      );
    }
  }

  let token: string | undefined;
  if (options.tokenStdin) token = tokenFromStdin(io.readStdin);
  else if (options.token !== undefined) {
    if (options.tokenSource === 'flag') io.err(`${TOKEN_FLAG_WARNING}\n`);
    token = options.token;
  }

  const shell = chooseShell(own.window, io);
  if ('reason' in shell && own.window) io.err(`switchyard: no desktop window (${shell.reason}); serving the dashboard instead: open the Dashboard link below\n`);
  return runShell(shell, [...forwardedArgs(argv), ...definitions, ...(token === undefined ? [] : ['--token-stdin'])], token, io, {
    onDashboard: own.open ? (url) => openInBrowser(url, io) : undefined,
  });
}

/** `--config FILE` or `--procfile FILE` for the child, unless the user gave one (it is forwarded as typed, so errors quote it): `--demo`, or found in this folder. */
function chooseDefinitions(options: CliOptions, own: UpOptions, io: CliIo): string[] {
  if (options.config || options.procfile) return [];
  if (own.demo) return ['--config', demoConfigPath(io.appRoot)];
  const found = findProjectFiles(io.cwd);
  if (!found) throw new CliError(nothingToRun(io.cwd));
  return [found.kind === 'config' ? '--config' : '--procfile', resolve(found.path)];
}

const OWN_FLAGS = new Set(['--demo', '--no-window', '--open', '--token-stdin']);

/** The user's argv without `up`'s own flags and without `--token T` (the token goes to stdin). */
function forwardedArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (OWN_FLAGS.has(arg) || arg.startsWith('--token=')) continue;
    if (arg === '--token') {
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}
