/**
 * `switchyard` / `switchyard up [options]`: pick this folder's definitions, then run the desktop
 * window (Electron, where a binary and a display exist) or serve, as a child whose lines are
 * passed through. The options are serve's own (one definition, electron/serve/cli-options.ts);
 * the token never goes on the child's argv or into its environment: it is piped to its stdin.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { demoConfigPath } from '../../core/demo-set';
import { serveOptionsFrom, type CliOptions } from '../../serve/cli-options';
import { TOKEN_FLAG_WARNING, tokenFromStdin } from '../../serve/token-input';
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

export async function runUp(command: Command, io: CliIo): Promise<number> {
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
  return runShell(shell, [...definitions, ...serveArgs(options, token !== undefined)], token, io, {
    onDashboard: own.open ? (url) => openInBrowser(url, io) : undefined,
  });
}

/** `--config FILE` or `--procfile FILE` for the child: as given, `--demo`, or found in this folder. */
function chooseDefinitions(options: CliOptions, own: UpOptions, io: CliIo): string[] {
  // As the user typed them (serve resolves them against the same folder), so errors quote them.
  if (options.config) return ['--config', options.config];
  if (options.procfile) return ['--procfile', options.procfile];
  if (own.demo) return ['--config', demoConfigPath(io.appRoot)];
  const found = findProjectFiles(io.cwd);
  if (!found) throw new CliError(nothingToRun(io.cwd));
  return [found.kind === 'config' ? '--config' : '--procfile', resolve(found.path)];
}

/** The serve options again as argv, without the token (that goes to stdin). */
function serveArgs(options: CliOptions, tokenOnStdin: boolean): string[] {
  const args = ['--host', options.host];
  // Only an explicit port: the default one falls back to a free port when busy, an explicit one fails.
  if (options.portExplicit) args.push('--port', String(options.port));
  if (options.tokenFile !== undefined) args.push('--token-file', options.tokenFile);
  if (tokenOnStdin) args.push('--token-stdin');
  for (const host of options.allowedHosts) args.push('--allow-host', host);
  for (const origin of options.allowedOrigins) args.push('--allow-origin', origin);
  return args;
}
