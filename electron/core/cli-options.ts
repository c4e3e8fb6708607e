/**
 * The options of `serve`, `npm start` and `switchyard up` (CONTRACT.md, "Commands"), defined once
 * on commander: {@link addServeOptions} puts them on a command (serve's own, or the CLI's `up`),
 * {@link serveOptionsFrom} turns what commander parsed into {@link CliOptions}.
 */
// commander 14 under an alias: the name `commander` stays commander 5, which
// @doyensec/electronegativity uses without declaring it (it breaks under 14).
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander14';
import { isValidNodeName } from '../../shared/protocol';

/** Parsed command-line options. */
export interface CliOptions {
  /** `--procfile FILE`. */
  procfile?: string;
  /** `--config FILE` (YAML or JSON). */
  config?: string;
  /** `--host ADDR`. Default `127.0.0.1`. */
  host: string;
  /** `--port N`. Default 7420; 0 picks a free port. */
  port: number;
  /** Whether the port was given explicitly (an explicit busy port is an error, the default falls back). */
  portExplicit: boolean;
  /** `--token T`, else `SWITCHYARD_TOKEN`; default a fresh random token (or the one in an existing `--token-file`). */
  token?: string;
  /** Where the token came from, when one was given: `--token` (visible in `ps`, warned about) or the environment. */
  tokenSource?: 'flag' | 'env';
  /** `--token-stdin`: read the token from the first line of stdin (see token-input.ts). */
  tokenStdin: boolean;
  /** `--token-file FILE`, else `SWITCHYARD_TOKEN_FILE`; default in the user's runtime folder. */
  tokenFile?: string;
  /** `--allow-host NAME` (repeatable): extra Host names accepted besides loopback ones. */
  allowedHosts: string[];
  /** `--allow-origin ORIGIN` (repeatable): extra Origins accepted for upgrades. */
  allowedOrigins: string[];
  /** `--no-store`: keep output in memory only (nothing under the state folder). Default false. */
  noStore: boolean;
  /** `--engine URL`, else `SWITCHYARD_ENGINE`: share channels with other nodes through Redis (`redis://…`, `rediss://…`). */
  engine?: string;
  /** `--node NAME`: this node's name on a shared engine. Default the host name. */
  node?: string;
  /** `--help`. */
  help: boolean;
}

/** The default hub port. */
export const DEFAULT_PORT = 7420;

/** A port number from 0 to 65535; anything else (`''` too) is refused with the value given. */
export function parsePort(raw: string): number {
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new InvalidArgumentError('Expected an integer from 0 to 65535.');
  return port;
}

function parseNode(raw: string): string {
  if (!isValidNodeName(raw)) throw new InvalidArgumentError('Expected 1 to 63 of A-Z a-z 0-9 _ . - starting with a letter or digit.');
  return raw;
}

function parseToken(raw: string): string {
  if (raw.length < 8) throw new InvalidArgumentError('Expected at least 8 characters.');
  return raw;
}

// Repeatable options start undefined (commander would print a default of "[]" in the help).
const collectLower = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value.toLowerCase()];
const collectOrigin = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value.toLowerCase().replace(/\/$/, '')];

/** The long names of the serve options that take a value (for filtering Chromium's switches out of Electron's argv). */
const VALUE_OPTIONS = new Set(['--procfile', '--config', '--host', '--port', '--token', '--token-file', '--allow-host', '--allow-origin', '--engine', '--node']);
const FLAG_OPTIONS = new Set(['--token-stdin', '--no-store', '--help', '-h']);

/** Put the serve options on a command (serve's own, or `switchyard up`). */
export function addServeOptions(command: Command): Command {
  return command
    .option('--procfile <file>', 'run the processes of a Procfile (with the .env beside it)')
    .option('--config <file>', 'run the processes of a YAML or JSON config file')
    .option('--host <addr>', 'address to listen on; anything but loopback opens the hub to the network', '127.0.0.1')
    .addOption(new Option('--port <n>', 'port; 0 picks a free one (a busy default falls back to a free one)').argParser(parsePort).default(DEFAULT_PORT, '7420'))
    .addOption(new Option('--token <t>', 'the operator token: every local user can read it in `ps`, prefer the three below').argParser(parseToken))
    .option('--token-stdin', 'read the operator token from the first line of stdin')
    .option(
      '--token-file <file>',
      'the token file (also SWITCHYARD_TOKEN_FILE): without a token given, an existing file of yours is read and kept; else the token is written there (0600) and removed on exit',
    )
    .option('--allow-host <name>', 'accept this Host header too (repeatable)', collectLower)
    .option('--allow-origin <url>', 'accept WebSocket upgrades from this Origin too (repeatable)', collectOrigin)
    .option('--no-store', "keep the processes' output in memory only (by default it is also stored under the user's state folder)")
    .option('--engine <url>', 'share channels with other machines through Redis: redis://[:PASSWORD@]HOST:PORT or rediss://… (also SWITCHYARD_ENGINE, which keeps the password out of ps)')
    .addOption(new Option('--node <name>', "this machine's name on a shared engine (default: the host name)").argParser(parseNode))
    .addHelpText('after', '\nThe token may also come from SWITCHYARD_TOKEN; default: a fresh random token at every launch.');
}

/** Turn a command's parsed serve options (and the environment) into {@link CliOptions}. Throws a TypeError for a bad combination. */
export function serveOptionsFrom(command: Command, env: Record<string, string | undefined> = {}): CliOptions {
  const o = command.opts<{
    procfile?: string;
    config?: string;
    host: string;
    port: number;
    token?: string;
    tokenStdin?: boolean;
    tokenFile?: string;
    allowHost?: string[];
    allowOrigin?: string[];
    store?: boolean;
    engine?: string;
    node?: string;
  }>();
  const options: CliOptions = {
    host: o.host,
    port: o.port,
    portExplicit: command.getOptionValueSource('port') === 'cli',
    tokenStdin: o.tokenStdin === true,
    allowedHosts: o.allowHost ?? [],
    allowedOrigins: o.allowOrigin ?? [],
    noStore: o.store === false,
    help: false,
  };
  if (o.procfile !== undefined) options.procfile = o.procfile;
  if (o.config !== undefined) options.config = o.config;
  if (o.token !== undefined) {
    options.token = o.token;
    options.tokenSource = 'flag';
  } else if (env.SWITCHYARD_TOKEN) {
    options.token = env.SWITCHYARD_TOKEN;
    options.tokenSource = 'env';
  }
  const tokenFile = o.tokenFile ?? env.SWITCHYARD_TOKEN_FILE;
  if (tokenFile !== undefined) options.tokenFile = tokenFile;
  const engine = o.engine ?? env.SWITCHYARD_ENGINE;
  if (engine !== undefined && engine !== '') options.engine = engine;
  if (o.node !== undefined) options.node = o.node;
  if (options.procfile !== undefined && options.config !== undefined) throw new TypeError('give --procfile or --config, not both');
  if (options.node !== undefined && options.engine === undefined) throw new TypeError('--node names this machine on a shared engine: give --engine too');
  if (options.tokenStdin && o.token !== undefined) throw new TypeError('give --token or --token-stdin, not both');
  for (const [name, value] of [['--procfile', options.procfile], ['--config', options.config], ['--host', options.host]] as const) {
    if (value === '') throw new TypeError(`${name} needs a value, got ""`);
  }
  return options;
}

/** serve's own command (`npm run serve -- [options]`), throwing instead of exiting. */
export function serveCommand(): Command {
  const command = new Command('serve')
    .usage('[options]   (npm run serve -- [options])')
    .description('Run the hub, the supervisor and the dashboard with no window.')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  return addServeOptions(command);
}

/** Usage text printed by `--help` and after a bad option. */
export const USAGE = serveCommand().helpInformation().trimEnd();

/**
 * Parse argv (without node and script) and the environment. Throws a TypeError naming a bad
 * option (unknown ones too, unless `ignoreUnknown`: Electron and Chromium put switches of their own
 * on the command line, so there only our options are read).
 */
export function parseCliOptions(argv: readonly string[], env: Record<string, string | undefined> = {}, { ignoreUnknown = false } = {}): CliOptions {
  const command = serveCommand();
  try {
    command.parse(ignoreUnknown ? ownOptions(argv) : [...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { ...serveOptionsFrom(command, env), help: true };
      throw new TypeError(err.message.replace(/^error: /, ''));
    }
    throw err;
  }
  return serveOptionsFrom(command, env);
}

/** Keep only our options (and their values) from argv. */
function ownOptions(argv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const name = arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (FLAG_OPTIONS.has(name)) kept.push(arg);
    else if (VALUE_OPTIONS.has(name)) {
      kept.push(arg);
      if (name === arg && i + 1 < argv.length) kept.push(argv[++i] as string);
    }
  }
  return kept;
}
