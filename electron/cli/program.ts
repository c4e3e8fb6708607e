/**
 * The `switchyard` command line (CONTRACT.md, "The command-line tool") on commander: `up` (the
 * default), `link`, `ps`, `start`, `stop`, `restart`, `logs`, `down`, each with `--help`. Each
 * command's work lives in commands/; this file only declares options and hands them over.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander14';
import { addServeOptions, parsePort } from '../core/cli-options';
import { CliError } from './cli-error';
import type { CliIo } from './cli-io';
import { runAuditLogs, type AuditOptions } from './commands/audit';
import { runControl, type ControlAction } from './commands/control';
import { runDown } from './commands/down';
import { runLink } from './commands/link';
import { runLogs } from './commands/logs';
import { runPs } from './commands/ps';
import { runUp } from './commands/up';
import type { InstanceOptions } from './commands/with-session';
import { parseSince } from './since';

/** Run the command line; resolves with the exit status. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let status = 0;
  const program = buildProgram(io, (code) => (status = code), argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not failures; a bad option or argument is a usage error (2).
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version' ? 0 : 2;
    }
    if (err instanceof CliError) {
      io.err(`switchyard: ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`switchyard: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** The program, with its output going to `io`. `setStatus` receives a command's exit status. */
export function buildProgram(io: CliIo, setStatus: (code: number) => void, argv: readonly string[] = []): Command {
  const program = configure(new Command('switchyard'), io)
    .addHelpCommand(false)
    .description('Run your project\'s processes (Procfile or switchyard.yaml) and watch and drive them live, from a window, a browser or this command.')
    .addHelpText(
      'after',
      `
Without a command, \`switchyard\` is \`switchyard up\`. Commands that talk to a running instance
find the one started from this folder (or the nearest folder above it), or the one on --port N.`,
    );

  const up = addServeOptions(configure(program.command('up', { isDefault: true }), io))
    .summary('run the processes of this folder (the default command)')
    .description(
      'Run the processes of this folder: switchyard.yaml (or .yml, .json), else Procfile. Opens the desktop window where an Electron binary and a display exist, else serves the dashboard and prints its link.',
    )
    .option('--demo', 'run the demo set instead of this folder\'s processes')
    .option('--no-window', 'never open the desktop window: serve the dashboard and print the link')
    .option('--open', 'open the dashboard link in the default browser (xdg-open)');
  up.action(async (_options, command: Command) => setStatus(await runUp(command, argv[0] === 'up' ? argv.slice(1) : argv, io)));

  const link = instanceOptions(configure(program.command('link'), io))
    .summary('print a fresh one-time login link')
    .description('Print a fresh one-time login link for the running instance (operator, or viewer with --viewer).')
    .option('--viewer', 'a link that can watch but not control');
  link.action(async (options: InstanceOptions & { viewer?: boolean }) => setStatus(await runLink(options, io)));

  const ps = instanceOptions(configure(program.command('ps'), io))
    .summary('list the processes')
    .description('List the processes: name, status, health, pid, uptime, restarts, CPU, memory, ports.')
    .option('--json', 'print the process.list array as JSON');
  ps.action(async (options: InstanceOptions & { json?: boolean }) => setStatus(await runPs(options, io)));

  const verbs: Record<ControlAction, string> = { start: 'Start', stop: 'Stop', restart: 'Restart' };
  for (const [action, verb] of Object.entries(verbs) as [ControlAction, string][]) {
    const command = instanceOptions(configure(program.command(action), io))
      .summary(`${action} processes by name`)
      .description(`${verb} processes by name, as the dashboard's buttons do. Exits 1 naming any unknown process (and then touches none).`)
      .argument('<name...>', 'process names (as in the Procfile or the config file)');
    command.action(async (names: string[], options: InstanceOptions) => setStatus(await runControl(action, names, options, io)));
  }

  const logs = instanceOptions(configure(program.command('logs'), io))
    .summary('print the output lines, merged in time order (-f follows; --audit: who did what)')
    .description('Print the retained and stored output lines, merged in time order, each prefixed with its process. With --audit, the record of control actions instead.')
    .argument('[name...]', 'only these processes (default: all); with --audit, only actions on these')
    .option('-f, --follow', 'keep printing new lines as they come (Ctrl-C ends)')
    .addOption(new Option('-n, --lines <n>', 'only the last N lines').argParser(parseCount))
    .addOption(new Option('--since <time>', 'only lines from this time on: a duration ago (30s, 10m, 2h, 1d) or a date and time').argParser(parseSinceOption))
    .addOption(new Option('--grep <regex>', 'only lines matching this JavaScript regular expression (case-sensitive)').argParser(parseRegex))
    .option('--audit', 'print the audit record: who (user, role, client) did what to what, when, allowed or refused')
    .option('--json', 'with --audit: one JSON object (an audit entry) a line')
    .addHelpText('after', '\nColours on a terminal; none when piped, or with NO_COLOR set.');
  logs.action(async (names: string[], options: AuditOptions & { audit?: boolean }) => {
    if (options.json && !options.audit) throw new CliError('--json goes with --audit (for the output lines, see `logs.read` in the README)', 2);
    setStatus(await (options.audit ? runAuditLogs(names, options, io) : runLogs(names, options, io)));
  });

  const down = instanceOptions(configure(program.command('down'), io)).summary('stop the instance and every process').description(
    'Stop the running instance and every process it runs, as SIGTERM to it does; waits until it is gone.',
  );
  down.action(async (options: InstanceOptions) => setStatus(await runDown(options, io)));
  return program;
}

/** What every command shares: output to `io`, errors thrown instead of exiting, help after a usage error. */
function configure(command: Command, io: CliIo): Command {
  const name = command.name() === 'switchyard' ? 'switchyard' : `switchyard ${command.name()}`;
  return command
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(s.replace(/^error: /, `${name}: `)) })
    .showHelpAfterError(`(see \`${name} --help\`)`)
    .helpOption('-h, --help', 'show this help');
}

/** The options of every command that talks to a running instance. */
function instanceOptions(command: Command): Command {
  return command
    .addOption(new Option('--port <n>', 'the instance on this port (default: the one started from this folder)').argParser(parseInstancePort))
    .option('--token-file <file>', "read the operator token from this file (default: the instance's token file)")
    .option('--token-stdin', 'read the operator token from the first line of stdin');
}

function parseInstancePort(raw: string): number {
  const port = parsePort(raw);
  if (port === 0) throw new InvalidArgumentError('Expected a port from 1 to 65535.');
  return port;
}

function parseCount(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new InvalidArgumentError('Expected a whole number of lines.');
  return Number(raw);
}

function parseSinceOption(raw: string): Date {
  const date = parseSince(raw, Date.now());
  if (!date) throw new InvalidArgumentError('Expected a duration (30s, 10m, 2h, 1d) or a date and time (2026-12-01T10:00).');
  return date;
}

function parseRegex(raw: string): RegExp {
  try {
    return new RegExp(raw);
  } catch (err) {
    throw new InvalidArgumentError(`Not a regular expression: ${(err as Error).message}.`);
  }
}
