/**
 * The real Hub and the real HTTP routes serving the built dashboard, with the SUPERVISOR'S PART
 * PLAYED BY THE TEST: it answers `process.list` and publishes `processes` events with the states
 * it wants to show. For states the supervisor of this branch cannot produce yet (`stopping` with
 * `killAt`); everything else runs against real serve.
 */
import { join } from 'node:path';
import { PROCESSES_CHANNEL, type ProcessInfo } from '../../../shared/protocol';
import { checkHost } from '../../../electron/hub/http-guard';
import { Hub } from '../../../electron/hub/hub';
import { startHttpFront } from '../../../electron/http/http-front';
import { REPO_ROOT } from '../../../electron/serve/serve-process';

/** A running scripted hub. */
export interface ScriptedHub {
  hub: Hub;
  /** A one-time operator login link. */
  loginLink(): string;
  /** Show this list (as `process.list` and on the `processes` channel). */
  setProcesses(list: ProcessInfo[]): void;
  close(): Promise<void>;
}

/** Start one on a free port. */
export async function startScriptedHub(initial: ProcessInfo[]): Promise<ScriptedHub> {
  let origin = '';
  const hub = new Hub({ loginUrlBase: () => `${origin}/login?ticket=` });
  let list = initial;
  hub.registerMethod('process.list', () => list);
  const front = await startHttpFront(
    {
      hostAllowed: (req, port) => checkHost(req, { port, allowedHosts: [] }),
      auth: hub.auth,
      handleUpgrade: (req, socket, head) => hub.handleUpgrade(req, socket, head),
      stats: () => hub.stats(),
      staticDir: join(REPO_ROOT, 'out', 'renderer'),
    },
    { host: '127.0.0.1', port: 0 },
  );
  origin = `http://127.0.0.1:${front.port}`;
  return {
    hub,
    loginLink: () => `${origin}/login?ticket=${hub.auth.issueTicket('operator')}`,
    setProcesses(next) {
      list = next;
      hub.publishEvent(PROCESSES_CHANNEL, { kind: 'list', processes: next });
    },
    async close() {
      await hub.close();
      await front.close();
    },
  };
}

/** A whole ProcessInfo with the given fields. */
export function scriptedProcess(fields: Partial<ProcessInfo> & Pick<ProcessInfo, 'id'>): ProcessInfo {
  return { command: `run-${fields.id}`, cwd: '/srv', status: 'running', restarts: 0, autostart: true, restartMode: 'on-failure', linesOut: 0, bytesOut: 0, skipped: 0, coalesced: 0, pauses: 0, paused: false, ...fields };
}
