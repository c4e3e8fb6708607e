/**
 * The core every shell runs: the hub, the supervisor and the HTTP server on one port. The serve
 * entry and the Electron main process both call {@link startSwitchyard}; neither adds behaviour.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { nodeNameFromHost, type AlertEvent, type Role } from '../../shared/protocol';
import { Alerting, defaultAlertRules } from '../alerts';
import { secret } from '../hub/auth';
import { readHistory } from '../hub/history-read';
import { checkHost } from '../hub/http-guard';
import { Hub } from '../hub/hub';
import type { HubApi } from '../hub/hub-api';
import { MethodError } from '../hub/methods';
import { startHttpFront } from '../http/http-front';
import { createMetrics } from '../http/metrics';
import { defaultTokenFile, removeTokenFile, writeTokenFile } from '../http/token-file';
import { NodeRouter } from '../nodes/node-router';
import { AuditFile, LogStore, StoreLockedError, registerLogMethods } from '../store';
import type { StoreLimits } from './store-limits';
import { Supervisor } from '../supervisor';
import { childEnvironment } from './credentials';
import { resolveDefinitions } from './definition-source';
import { publishInstance } from './instance-publisher';

export { demoConfigPath, resolveDefinitions } from './definition-source';

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
  /** The token was read from `tokenFile` (token-input.ts): it is neither written nor removed. Default false. */
  tokenFromFile?: boolean;
  /** Which shell runs the core (the instance record says it). Default `serve`. */
  shell?: 'serve' | 'window';
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
  /** Keep output in memory only. Default false: stored under the user's state folder (electron/store). */
  noStore?: boolean;
  /** The state folder of the store. Default `$XDG_STATE_HOME/switchyard`, else `~/.local/state/switchyard`. */
  stateDir?: string;
  /** A shared engine (`redis://…`, `rediss://…`): several nodes, one set of channels. Default none (in memory). */
  engine?: string;
  /** This node's name on a shared engine. Default the host name. */
  node?: string;
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
  /** The hub itself; on a shared engine the supervisor, store and alerts speak to it through the node router, which qualifies ids. */
  hub: Hub;
  /** On a shared engine: the printable engine URL (no password) and this node's name. */
  shared?: { engine: string; node: string };
  /** Runs this node's processes (bare ids; the alert tap and, when shared, the router stand between it and the hub). */
  supervisor: Supervisor;
  /** Alerts and the audit. */
  alerting: Alerting;
  /** Hear every alert (the desktop window's native notifications); returns an unsubscribe. */
  onAlert(listener: (alert: AlertEvent) => void): () => void;
  /** A fresh one-time login link for a role. */
  loginLink(role: Role): string;
  /** Stop every process group, then close the hub and the server. Twice is harmless. */
  close(): Promise<void>;
  /** Last resort from an `exit` handler: SIGKILL every process group now. */
  killAllSync(): void;
}

/** Start the hub, the supervisor and the HTTP server. */
export async function startSwitchyard(options: SwitchyardOptions): Promise<RunningSwitchyard> {
  const { source, definitions, alerts, store: limits } = resolveDefinitions(options);
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? secret();
  const allowedHosts = options.allowedHosts ?? [];
  const allowedOrigins = options.allowedOrigins ?? [];
  const staticDir = resolve(options.staticDir ?? join(options.appRoot, 'out', 'renderer'));
  if (!existsSync(join(staticDir, 'index.html'))) options.log?.(`switchyard: no built dashboard in ${staticDir}; run \`npm run build\``);

  let origin = '';
  // On a shared engine every process is `<id>@<node>` and methods about another node's process go
  // there: the router stands between the hub and everything that speaks of processes.
  const node = options.engine ? (options.node ?? nodeNameFromHost(hostname())) : undefined;
  // Loaded only for a shared engine: the Redis client is 2.4 MB of heap that a single node would
  // carry for nothing, and that every full collection of the hub's old generation walks.
  const parts = options.engine && node ? (await import('../engines/redis')).createRedisNodes(options.engine, node) : undefined;
  // Alerts name their process `<id>@<node>` from the start, so the channel, the native
  // notifications and the webhooks all carry the same alert.
  const alerting = new Alerting({ rules: alerts ?? defaultAlertRules(), webhook: { log: options.log }, ...(node !== undefined ? { node } : {}) });
  let router: NodeRouter | undefined;
  const hub = new Hub({
    tokens: { [token]: { userId: 'launch', role: 'operator' } },
    allowedHosts,
    allowedOrigins,
    loginUrlBase: () => `${origin}/login?ticket=`,
    onMethodCall: (call) => alerting.audit.onCall(call),
    ...(parts ? { engine: parts.engine, statsExtra: () => (router ? { node, nodes: router.nodes() } : { node }) } : {}),
  });
  if (parts) {
    try {
      await hub.ready(); // a Redis that is unreachable or unsafe stops the start here, saying why
      router = new NodeRouter({ hub, network: parts.network, clients: () => hub.clientCount(), pressure: parts.engine });
      await router.start();
    } catch (err) {
      await router?.close().catch(() => {});
      await hub.close();
      throw err;
    }
  }
  const api: HubApi = router?.api ?? hub;
  alerting.attach(api);
  const store = openStore(options, limits ?? {});
  // The audit record is stored with the output (the same folder, off with it): it survives a restart.
  const auditFile = store.enabled ? new AuditFile(store.dir, { onWarning: (m) => options.log?.(`switchyard: store: ${m}`) }) : null;
  if (auditFile) alerting.audit.storeIn(auditFile, { republish: !parts });
  registerLogMethods(api, store, (code, message) => new MethodError(code, message));
  // Built before the HTTP front so that /metrics can show each process (it starts below, once the token file is written).
  const supervisor = new Supervisor({ hub: alerting.tap(api), definitions, cwd: options.cwd, env: options.env ?? childEnvironment(process.env), log: options.log, logs: store });
  const metrics = createMetrics(() => hub.stats(), supervisor);
  const front = await startHttpFront(
    {
      hostAllowed: (req, port) => checkHost(req, { port, allowedHosts }),
      allowedOrigins,
      auth: hub.auth,
      handleUpgrade: (req, socket, head) => hub.handleUpgrade(req, socket, head),
      stats: () => hub.stats(),
      history: (query) => readHistory(hub.engine, query),
      metrics: () => metrics.render(),
      staticDir,
      listenHost: host,
      onSocketCut: () => hub.countRefusal('unauthenticatedCut'),
      onRefused: (reason) => reason === 'host' && hub.countRefusal('hostRejected'),
    },
    { host, port: options.port ?? 7420, portExplicit: options.portExplicit ?? false },
  ).catch(async (err: unknown) => {
    await router?.close().catch(() => {});
    await hub.close();
    await store.close();
    throw err;
  });
  const port = front.port;
  // Links name an address, never a name (http-front.ts says why); a wildcard is reached by loopback.
  const linkAddress = front.addresses[0] ?? host;
  const printableHost = linkAddress === '0.0.0.0' || linkAddress === '::' ? '127.0.0.1' : linkAddress.includes(':') ? `[${linkAddress}]` : linkAddress;
  origin = `http://${printableHost}:${port}`;
  const hubUrl = `ws://${printableHost}:${port}/ws`;

  // The token file and the instance record before any process runs: when they cannot be written
  // nothing has run, and scripts and `switchyard` commands find the instance as soon as its
  // processes do anything.
  let tokenFile = '';
  let instance: ReturnType<typeof publishInstance>;
  try {
    tokenFile = options.tokenFile === '' ? '' : options.tokenFromFile && options.tokenFile ? options.tokenFile : writeTokenFile(options.tokenFile ?? defaultTokenFile(port), token);
    instance = publishInstance({ folder: options.cwd, port, host, origin, hubUrl, tokenFile, processes: source, shell: options.shell ?? 'serve' }, options.log);
  } catch (err) {
    await router?.close().catch(() => {});
    await hub.close();
    await front.close();
    await store.close();
    throw err;
  }
  const ownsTokenFile = tokenFile !== '' && !options.tokenFromFile;

  // After a SIGKILL the watchdog removes what would point to a dead instance.
  if (instance.path) supervisor.removeOnDeath(instance.path);
  if (ownsTokenFile) for (const file of [tokenFile, `${tokenFile}.lock`]) supervisor.removeOnDeath(resolve(file));
  supervisor.start();

  let closing: Promise<void> | undefined;
  return {
    hubUrl,
    origin,
    port,
    token,
    tokenFile,
    processSource: source,
    hub,
    ...(parts && node ? { shared: { engine: parts.display, node } } : {}),
    supervisor,
    alerting,
    onAlert: (listener) => alerting.engine.onAlert(listener),
    loginLink: (role) => `${origin}/login?ticket=${hub.auth.issueTicket(role)}`,
    close() {
      closing ??= (async () => {
        // Commands stop finding an instance that is going away.
        instance.remove();
        // Children first: a process must never outlive the app, whatever fails after.
        await supervisor.close();
        alerting.close(); // writes out folded audit bursts, into the store while it is ours
        auditFile?.close();
        await store.close();
        await router?.close().catch(() => {});
        await hub.close();
        await front.close();
        if (ownsTokenFile) removeTokenFile(tokenFile);
      })();
      return closing;
    },
    killAllSync() {
      supervisor.killAllSync();
      instance.remove();
      if (ownsTokenFile) removeTokenFile(tokenFile);
    },
  };
}

/**
 * The log store of this project folder, with the config's caps. A second instance in the same folder finds it locked:
 * it runs with output in memory only, and says so.
 */
function openStore(options: SwitchyardOptions, limits: StoreLimits): LogStore {
  const make = (enabled: boolean) =>
    new LogStore({
      projectDir: options.cwd,
      stateDir: options.stateDir,
      enabled,
      maxBytesPerProcess: limits.maxBytesPerProcess,
      maxBytes: limits.maxBytesTotal,
      onWarning: (m) => options.log?.(`switchyard: store: ${m}`),
    });
  let store = make(options.noStore !== true);
  try {
    store.start();
  } catch (err) {
    if (!(err instanceof StoreLockedError)) throw err;
    options.log?.(`switchyard: ${err.message}; this instance keeps output in memory only`);
    store = make(false);
    store.start();
  }
  // Each process's `store` setting is followed by the supervisor (run-journal.ts), for those added later too.
  return store;
}
