/** One audit entry as a line of text, for `switchyard logs --audit` (the CLI calls `audit.list`). */
import type { AuditEvent } from '../../shared/protocol';

/** `2026-12-01T18:25:24.120Z  alice (operator, c12)  process.restart web  ok` */
export function formatAuditEntry(e: AuditEvent): string {
  const outcome = e.ok ? 'ok' : `refused${e.detail ? `: ${e.detail}` : ''}`;
  const detail = e.ok && e.detail ? `  (${e.detail})` : '';
  return `${e.time}  ${e.userId} (${e.role}, ${e.clientId})  ${e.action} ${e.target}  ${outcome}${detail}`;
}
