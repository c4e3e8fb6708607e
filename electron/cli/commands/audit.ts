/**
 * `switchyard logs --audit [NAME...] [-f] [-n N] [--since T] [--grep RE] [--json]`: the record of
 * control actions (who, with which role and client, did what to what, when, and whether it was
 * allowed), oldest first, one entry a line (audit-format.ts), from `audit.list` (the latest the
 * instance keeps, earlier runs' included when it stores output); with `-f`, then each new entry
 * from the `audit` channel. NAME filters by what was acted on (a process, a client, a role).
 */
import { AuditEventSchema, type AuditEvent, type Message } from '../../../shared/protocol';
import { formatAuditEntry } from '../../alerts/audit-format';
import type { CliIo } from '../cli-io';
import type { HubSession } from '../hub-session';
import { follow } from './follow';
import { withSession, type InstanceOptions } from './with-session';

/** The options of `logs --audit`. */
export interface AuditOptions extends InstanceOptions {
  follow?: boolean;
  lines?: number;
  since?: Date;
  grep?: RegExp;
  /** One JSON object (an AuditEvent) a line instead of text. */
  json?: boolean;
}

export function runAuditLogs(targets: readonly string[], options: AuditOptions, io: CliIo): Promise<number> {
  return withSession(options, io, (session) => audit(session, targets, options, io), { persistent: options.follow === true });
}

async function audit(session: HubSession, targets: readonly string[], options: AuditOptions, io: CliIo): Promise<number> {
  const wanted = (e: AuditEvent): boolean =>
    (targets.length === 0 || targets.includes(e.target)) &&
    (!options.since || Date.parse(e.time) >= options.since.getTime()) &&
    (!options.grep || options.grep.test(formatAuditEntry(e)));
  const print = (e: AuditEvent): void => io.out(`${options.json ? JSON.stringify(e) : formatAuditEntry(e)}\n`);

  // Following: subscribe before asking for the list, so that no entry falls between the two; what
  // comes live meanwhile is held until the list is printed, and what both have is printed once.
  const held: AuditEvent[] = [];
  let live: ((e: AuditEvent) => void) | null = null;
  if (options.follow) {
    session.client.subscribe('audit', (m: Message) => {
      const entry = m.type === 'event' ? AuditEventSchema.safeParse(m.data) : null;
      if (!entry?.success) return;
      if (live) live(entry.data);
      else held.push(entry.data);
    });
  }
  const { entries } = await session.call('audit.list');
  const chosen = entries.filter(wanted);
  for (const e of options.lines === undefined ? chosen : chosen.slice(Math.max(0, chosen.length - options.lines))) print(e);
  if (!options.follow) return 0;

  const printed = new Set(entries.map(keyOf));
  live = (e) => {
    if (wanted(e)) print(e);
  };
  for (const e of held.splice(0)) if (!printed.has(keyOf(e))) live(e);
  return follow(session, io);
}

function keyOf(e: AuditEvent): string {
  return JSON.stringify([e.time, e.clientId, e.action, e.target, e.ok, e.detail ?? '']);
}
