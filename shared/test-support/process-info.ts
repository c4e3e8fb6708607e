/** TEST SUPPORT: a whole ProcessInfo with the given fields, the rest plain defaults (for tests of every room). */
import type { ProcessInfo } from '../protocol';

/** A process as the supervisor lists it. */
export function processInfo(fields: Partial<ProcessInfo> & Pick<ProcessInfo, 'id'>): ProcessInfo {
  return {
    command: `run-${fields.id}`,
    cwd: '/srv',
    status: 'running',
    restarts: 0,
    autostart: true,
    restartMode: 'on-failure',
    linesOut: 0,
    bytesOut: 0,
    skipped: 0,
    coalesced: 0,
    pauses: 0,
    paused: false,
    ...fields,
  };
}
