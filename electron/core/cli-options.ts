/** The options of `npm run serve` and `npm start` (CONTRACT.md, "Commands"), parsed and checked. */
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
  /** `--token T`, else `SWITCHYARD_TOKEN`; default a fresh random token. */
  token?: string;
  /** `--token-file FILE`, else `SWITCHYARD_TOKEN_FILE`; default in the user's runtime folder. */
  tokenFile?: string;
  /** `--allow-host NAME` (repeatable): extra Host names accepted besides loopback ones. */
  allowedHosts: string[];
  /** `--allow-origin ORIGIN` (repeatable): extra Origins accepted for upgrades. */
  allowedOrigins: string[];
  /** `--engine URL`, else `SWITCHYARD_ENGINE`: share channels with other nodes through Redis (`redis://…`, `rediss://…`). */
  engine?: string;
  /** `--node NAME`: this node's name on a shared engine. Default the host name. */
  node?: string;
  /** `--help`. */
  help: boolean;
}

/** The default hub port. */
export const DEFAULT_PORT = 7420;

/** Usage text printed by `--help` and after a bad option. */
export const USAGE = `usage: npm run serve -- [options]
  --procfile FILE      run the processes of a Procfile (default: ./Procfile, else the demo set)
  --config FILE        run the processes of a YAML or JSON config file
  --host ADDR          address to listen on (default 127.0.0.1)
  --port N             port (default 7420; 0 picks a free port)
  --token T            the operator token (also SWITCHYARD_TOKEN; default: a fresh random token)
  --token-file FILE    where to write the token for local scripts (also SWITCHYARD_TOKEN_FILE)
  --allow-host NAME    accept this Host header too (repeatable)
  --allow-origin URL   accept upgrades from this Origin too (repeatable)
  --engine URL         share channels with other machines through Redis: redis://[:PASSWORD@]HOST:PORT
                       or rediss://… (also SWITCHYARD_ENGINE, which keeps the password out of ps)
  --node NAME          this machine's name on a shared engine (default: the host name)`;

/** Parse argv (without node and script) and the environment. Throws a TypeError naming a bad option (unknown ones too, unless `ignoreUnknown`). */
export function parseCliOptions(argv: readonly string[], env: Record<string, string | undefined> = {}, { ignoreUnknown = false } = {}): CliOptions {
  const options: CliOptions = {
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    portExplicit: false,
    allowedHosts: [],
    allowedOrigins: [],
    help: false,
  };
  if (env.SWITCHYARD_TOKEN) options.token = env.SWITCHYARD_TOKEN;
  if (env.SWITCHYARD_TOKEN_FILE) options.tokenFile = env.SWITCHYARD_TOKEN_FILE;
  if (env.SWITCHYARD_ENGINE) options.engine = env.SWITCHYARD_ENGINE;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0 && arg.startsWith('--')) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new TypeError(`option ${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--procfile':
        options.procfile = value();
        break;
      case '--config':
        options.config = value();
        break;
      case '--host':
        options.host = value();
        break;
      case '--port': {
        const raw = value();
        const port = Number(raw);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`--port must be an integer from 0 to 65535, got "${raw}"`);
        options.port = port;
        options.portExplicit = true;
        break;
      }
      case '--token': {
        const token = value();
        if (token.length < 8) throw new TypeError('--token must be at least 8 characters');
        options.token = token;
        break;
      }
      case '--token-file':
        options.tokenFile = value();
        break;
      case '--allow-host':
        options.allowedHosts.push(value().toLowerCase());
        break;
      case '--allow-origin':
        options.allowedOrigins.push(value().toLowerCase().replace(/\/$/, ''));
        break;
      case '--engine':
        options.engine = value();
        break;
      case '--node': {
        const node = value();
        if (!isValidNodeName(node)) throw new TypeError(`--node must be 1 to 63 of A-Z a-z 0-9 _ . - starting with a letter or digit, got "${String(node).slice(0, 80)}"`);
        options.node = node;
        break;
      }
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        // Electron and Chromium put switches of their own on the command line.
        if (!ignoreUnknown) throw new TypeError(`unknown option ${name}`);
    }
  }
  if (options.procfile && options.config) throw new TypeError('give --procfile or --config, not both');
  if (options.node && !options.engine) throw new TypeError('--node names this machine on a shared engine: give --engine too');
  return options;
}
