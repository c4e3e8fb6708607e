/**
 * The core every shell runs: the hub, the supervisor and the HTTP server on one port. The serve
 * entry and the Electron main process both call {@link startSwitchyard}; neither adds behaviour.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Role } from '../../shared/protocol';
import { secret } from '../hub/auth';
import { checkHost } from '../hub/http-guard';
import { Hub } from '../hub/hub';
import { startHttpFront } from '../http/http-front';
import { createMetrics } from '../http/metrics';
import { defaultTokenFile, removeTokenFile, writeTokenFile } from '../http/token-file';
import { Supervisor, loadConfig, loadProcfile, type ProcessDefinition } from '../supervisor';
import { childEnvironment } from './credentials';

/** Options of {@link startSwitchyard} (the CLI options plus where the app lives). */
export interface SwitchyardOptions {
  /** A Procfile to run. Default: `cwd/Procfile` when it exists, else the demo set. */
  procfile?: string;
  /** A YAML or JSON config file to run instead of a Procfile. */
  config?: string;
  /** Listen address. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. Default 7420. */
  port?: number;
  /** When false, a busy port falls back to a free one. Default false. */
  portExplicit?: boolean;
  /** The operator token. Default a fresh random token. */
  token?: string;
  /** Where to write the token for scripts. Default {@link defaultTokenFile}; `''` writes none. */
  tokenFile?: string;
  /** Extra Host names accepted. Default none. */
  allowedHosts?: string[];
  /** Extra Origins accepted for upgrades. Default none. */
  allowedOrigins?: string[];
  /** The repository or app root (holds `out/renderer` and `resources/`). */
  appRoot: string;
  /** Where `./Procfile` is looked for. */
  cwd: string;
  /** Where the built dashboard is. Default `appRoot/out/renderer`. */
  staticDir?: string;
  /** Diagnostics (never given a token). Default none. */
  log?: (line: string) => void;
  /** The environment the processes start from. Default `process.env` without Switchyard's credentials. */
  env?: NodeJS.ProcessEnv;
}

/** A running core. */
export interface RunningSwitchyard {
  /** `ws://HOST:PORT/ws`. */
  hubUrl: string;
  /** `http://HOST:PORT`: where the dashboard is. */
  origin: string;
  /** The port bound. */
  port: number;
  /** The launch token (operator). */
  token: string;
  /** The token file written, or `''`. */
  tokenFile: string;
  /** Where the processes came from (a path, or "no processes"). */
  processSource: string;
  /** The hub. */
  hub: Hub;
  /** The supervisor. */
  supervisor: Supervisor;
  /** A fresh one-time login link for a role. */
  loginLink(role: Role): string;
  /** Stop every process group, then close the hub and the server. Twice is harmless. */
  close(): Promise<void>;
  /** Last resort from an `exit` handler: SIGKILL every process group now. */
  killAllSync(): void;
}

/** The demo set shipped in `resources/demo`. */
export function demoConfigPath(appRoot: string): string {
  return join(appRoot, 'resources', 'demo', 'switchyard.yaml');
}

/** Which definitions to run: an explicit file, else `./Procfile`, else the demo set. */
export function resolveDefinitions(options: Pick<SwitchyardOptions, 'procfile' | 'config' | 'cwd' | 'appRoot'>): { source: string; definitions: ProcessDefinition[] } {
  if (options.config) {
    const path = resolve(options.cwd, options.config);
    return { source: path, definitions: loadConfig(path) };
  }
  if (options.procfile) {
    const path = resolve(options.cwd, options.procfile);
    return { source: path, definitions: loadProcfile(path) };
  }
  const local = join(options.cwd, 'Procfile');
  if (existsSync(local)) return { source: local, definitions: loadProcfile(local) };
  const demo = demoConfigPath(options.appRoot);
  return { source: `${demo} (demo)`, definitions: loadConfig(demo) };
}

/** Start the hub, the supervisor and the HTTP server. */
export async function startSwitchyard(options: SwitchyardOptions): Promise<RunningSwitchyard> {
  const { source, definitions } = resolveDefinitions(options);
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? secret();
  const allowedHosts = options.allowedHosts ?? [];
  const allowedOrigins = options.allowedOrigins ?? [];
  const staticDir = resolve(options.staticDir ?? join(options.appRoot, 'out', 'renderer'));
  if (!existsSync(join(staticDir, 'index.html'))) options.log?.(`switchyard: no built dashboard in ${staticDir}; run \`npm run build\``);

  let origin = '';
  const hub = new Hub({
    tokens: { [token]: { userId: 'launch', role: 'operator' } },
    allowedHosts,
    allowedOrigins,
    loginUrlBase: () => `${origin}/login?ticket=`,
  });
  // Built before the HTTP front so that /metrics can show each process (it starts below).
  const supervisor = new Supervisor({ hub, definitions, cwd: options.cwd, env: options.env ?? childEnvironment(process.env), log: options.log });
  const metrics = createMetrics(() => hub.stats(), supervisor);
  const front = await startHttpFront(
    {
      hostAllowed: (req, port) => checkHost(req, { port, allowedHosts }),
      allowedOrigins,
      auth: hub.auth,
      handleUpgrade: (req, socket, head) => hub.handleUpgrade(req, socket, head),
      stats: () => hub.stats(),
      metrics: () => metrics.render(),
      staticDir,
      onSocketCut: () => hub.countRefusal('unauthenticatedCut'),
      onRefused: (reason) => reason === 'host' && hub.countRefusal('hostRejected'),
    },
    { host, port: options.port ?? 7420, portExplicit: options.portExplicit ?? false },
  ).catch(async (err: unknown) => {
    await hub.close();
    throw err;
  });
  const port = front.port;
  const printableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  origin = `http://${printableHost}:${port}`;

  supervisor.start();

  const tokenFile = options.tokenFile === '' ? '' : writeTokenFile(options.tokenFile ?? defaultTokenFile(port), token);

  let closing: Promise<void> | undefined;
  return {
    hubUrl: `ws://${printableHost}:${port}/ws`,
    origin,
    port,
    token,
    tokenFile,
    processSource: source,
    hub,
    supervisor,
    loginLink: (role) => `${origin}/login?ticket=${hub.auth.issueTicket(role)}`,
    close() {
      closing ??= (async () => {
        // Children first: a process must never outlive the app, whatever fails after.
        await supervisor.close();
        await hub.close();
        await front.close();
        if (tokenFile) removeTokenFile(tokenFile);
      })();
      return closing;
    },
    killAllSync() {
      supervisor.killAllSync();
      if (tokenFile) removeTokenFile(tokenFile);
    },
  };
}
