/**
 * Which running instance a command talks to: the one named by `--port N`, else the one started
 * from this folder or the nearest folder above it (as git finds its repository), from the records
 * instances write at start (electron/core/instance-record.ts). A record whose pid is gone, or
 * whose port refuses connections, is stale: it is ignored and removed.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { listInstanceRecords, realFolder, removeInstanceRecord, type FoundRecord, type InstanceRecord } from '../core/instance-record';
import { defaultTokenFile } from '../http/token-file';
import { CliError } from './cli-error';
import { pidExists } from '../platform/pid-exists';

/** A running instance a command can reach. */
export interface Instance {
  /** `http://HOST:PORT`. */
  origin: string;
  /** `ws://HOST:PORT/ws`. */
  hubUrl: string;
  port: number;
  /** The token file to read, or `''`. */
  tokenFile: string;
  /** Its record, when it wrote one. */
  record?: InstanceRecord;
}

/** Where to look. */
export interface FindOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** `--port N`. */
  port?: number;
  /** How long `/healthz` may take. Default 2000 ms. */
  healthTimeoutMs?: number;
}

type Liveness = 'live' | 'stale' | 'unsure';

/** Find the instance; throws a one-line {@link CliError} (exit 1) when none runs. */
export async function findInstance(options: FindOptions): Promise<Instance> {
  let records: FoundRecord[];
  try {
    records = listInstanceRecords(options.env);
  } catch (err) {
    throw new CliError(`cannot read the instance records: ${(err as Error).message}`);
  }
  const timeout = options.healthTimeoutMs ?? 2000;
  if (options.port !== undefined) return byPort(options.port, records, options.env, timeout);

  const here = realFolder(options.cwd);
  for (let dir = here; ; dir = dirname(dir)) {
    const live = await liveRecords(records.filter((r) => r.record.folder === dir), timeout);
    if (live.length === 1) return fromRecord(live[0] as FoundRecord);
    if (live.length > 1) {
      const ports = live.map((r) => r.record.port).join(', ');
      throw new CliError(`${live.length} Switchyard instances run from ${dir} (ports ${ports}): pick one with --port N`);
    }
    if (dir === dirname(dir)) break;
  }
  throw new CliError(`no Switchyard instance runs from ${here} (or a folder above it): start one there with \`switchyard\`, or name one with --port N`);
}

/** The live instances started from exactly this folder (for `up`, which refuses to start a second). */
export async function instancesStartedFrom(folder: string, env: Record<string, string | undefined>, healthTimeoutMs = 2000): Promise<Instance[]> {
  let records: FoundRecord[];
  try {
    records = listInstanceRecords(env, folder);
  } catch {
    return [];
  }
  return (await liveRecords(records, healthTimeoutMs)).map(fromRecord);
}

async function byPort(port: number, records: FoundRecord[], env: Record<string, string | undefined>, timeout: number): Promise<Instance> {
  const live = await liveRecords(records.filter((r) => r.record.port === port), timeout);
  if (live[0]) return fromRecord(live[0]);
  // No record (an instance started with records impossible, or by an older version): it may
  // still answer; its token file is then at the default place, if anywhere.
  const origin = `http://127.0.0.1:${port}`;
  if ((await health(origin, timeout)) !== 'live') throw new CliError(`no Switchyard instance answers on port ${port}`);
  const tokenFile = defaultTokenFile(port, env);
  return { origin, hubUrl: `ws://127.0.0.1:${port}/ws`, port, tokenFile: existsSync(tokenFile) ? tokenFile : '' };
}

async function liveRecords(found: FoundRecord[], timeout: number): Promise<FoundRecord[]> {
  const verdicts = await Promise.all(found.map((f) => liveness(f.record, timeout)));
  const live: FoundRecord[] = [];
  found.forEach((f, i) => {
    if (verdicts[i] === 'live') live.push(f);
    else if (verdicts[i] === 'stale') removeInstanceRecord(f.path);
  });
  return live;
}

async function liveness(record: InstanceRecord, timeout: number): Promise<Liveness> {
  if (!pidExists(record.pid)) return 'stale';
  return health(record.origin, timeout);
}

/** `live` when `/healthz` answers ok; `stale` when nothing listens there; `unsure` (slow, odd answer) otherwise: never removed for that. */
async function health(origin: string, timeout: number): Promise<Liveness> {
  try {
    const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(timeout), redirect: 'error' });
    const body = (await res.json().catch(() => null)) as { ok?: unknown } | null;
    return res.ok && body?.ok === true ? 'live' : 'unsure';
  } catch (err) {
    const code = ((err as { cause?: { code?: string } }).cause ?? {}).code;
    return code === 'ECONNREFUSED' ? 'stale' : 'unsure';
  }
}

function fromRecord({ record }: FoundRecord): Instance {
  return { origin: record.origin, hubUrl: record.hubUrl, port: record.port, tokenFile: record.tokenFile, record };
}
