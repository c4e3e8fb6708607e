/**
 * `switchyard logs [NAME...] [-f] [-n N] [--since T] [--grep RE]`: the backlog (the instance's
 * stored lines through `logs.read`; where the hub has no store, what each `process:<id>` channel
 * retains), merged in time order and prefixed with the process; with `-f`, then every new line.
 */
import type { ProcessListEvent } from '../../../shared/protocol/payloads/process';
import { CliError } from '../cli-error';
import type { CliIo } from '../cli-io';
import type { HubSession } from '../hub-session';
import { mergeByTime, type LogEntry, runSeparator } from '../log-entries';
import { LogPrinter, matches } from '../log-printer';
import { statusText } from '../ps-table';
import { subscribeRetained } from '../retained-backlog';
import { finish, readStoredBacklog, type BacklogQuery } from '../stored-backlog';
import { useColour } from '../text-style';
import { follow } from './follow';
import { withSession, type InstanceOptions } from './with-session';
import { visibleText } from '../../../shared/logs/progress-rule';
import type { RunInfo } from '../../../shared/protocol/payloads/logs';

/** The options of `logs`. */
export interface LogsOptions extends InstanceOptions {
  follow?: boolean;
  lines?: number;
  since?: Date;
  grep?: RegExp;
}

/** Methods that mean "this hub keeps no store" when `logs.read` answers with them. */
const NO_STORE = new Set(['unknown_method', 'unavailable']);

export async function runLogs(names: readonly string[], options: LogsOptions, io: CliIo): Promise<number> {
  return withSession(options, io, (session) => logs(session, names, options, io), { persistent: options.follow === true });
}

async function logs(session: HubSession, names: readonly string[], options: LogsOptions, io: CliIo): Promise<number> {
  const known = (await session.call('process.list')).map((p) => p.id);
  const unknown = [...new Set(names)].filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new CliError(`unknown process${unknown.length > 1 ? 'es' : ''}: ${unknown.join(', ')} (known: ${known.join(', ') || 'none'})`);
  const chosen = names.length > 0 ? [...new Set(names)] : known;
  const query: BacklogQuery = {
    ...(names.length > 0 ? { processes: chosen } : {}),
    ...(options.lines === undefined ? {} : { count: options.lines }),
    ...(options.since ? { since: options.since.getTime() } : {}),
    ...(options.grep ? { grep: options.grep } : {}),
  };
  const printer = new LogPrinter(io.out, useColour(io.env, io.stdoutIsTTY), chosen);
  const live = (entry: LogEntry) => {
    if (matches(entry, options.grep)) printer.line({ ...entry, data: visibleText(entry.data) });
  };

  const fromStore = await hasStore(session);
  // Following: subscribe before reading the store, so that no line falls between the two.
  const retained = options.follow || !fromStore ? subscribeRetained(session, chosen) : undefined;
  const stored = fromStore ? await readStoredBacklog(session, query) : { entries: [], runs: new Map<string, RunInfo>() };
  const retainedLists = retained ? await retained.backlog : [];
  const backlog = fromStore ? stored.entries : finish(mergeByTime(retainedLists), query);
  // Each run of a process starts with its separator, as in the dashboard (stored lines know their run).
  const runOf = new Map<string, number>();
  for (const entry of backlog) {
    if (entry.run !== undefined && runOf.get(entry.process) !== entry.run) {
      runOf.set(entry.process, entry.run);
      const info = stored.runs.get(`${entry.process}:${entry.run}`);
      if (info) printer.note(entry.process, runSeparator(info));
    }
    printer.line(entry);
  }
  if (!options.follow || !retained) return 0;

  // The retained backlog may overlap the stored one: skip what was printed already.
  const printed = new Set(backlog.map(key));
  const lastPrinted = backlog.length ? (backlog[backlog.length - 1] as LogEntry).time : -Infinity;
  if (fromStore) {
    for (const entry of mergeByTime(retainedLists.map((list) => list.filter((e) => !(e.time < lastPrinted) && !printed.has(key(e)))))) live(entry);
  }
  retained.goLive({
    line: live,
    status: (process, data) => printer.note(process, `[${statusText({ ...(data as object), id: process } as Parameters<typeof statusText>[0])}]`),
  });
  if (names.length === 0) followNewProcesses(session, retained.add, new Set(chosen));
  return follow(session, io);
}

/** Whether the hub answers `logs.read` (asked with the smallest page). */
async function hasStore(session: HubSession): Promise<boolean> {
  try {
    await session.call('logs.read', { limit: 1 });
    return true;
  } catch (err) {
    if (NO_STORE.has((err as CliError).code ?? '')) return false;
    throw err;
  }
}

/** While following all processes, take in those added at run time. */
function followNewProcesses(session: HubSession, add: (process: string) => void, seen: Set<string>): void {
  session.client.subscribe('processes', (message) => {
    const event = message.data as Partial<ProcessListEvent> | undefined;
    if (message.type !== 'event' || event?.kind !== 'list' || !Array.isArray(event.processes)) return;
    for (const p of event.processes) {
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      add(p.id);
    }
  });
}

function key(entry: LogEntry): string {
  return `${entry.process}\u0000${entry.time}\u0000${entry.data}`;
}
