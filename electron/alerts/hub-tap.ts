/**
 * Feeds the alert engine from what the supervisor sends the hub, without a change to the
 * supervisor: the supervisor is given this wrapper instead of the hub. Statuses and output pass
 * through unchanged, and the engine hears them after the hub. Removed processes are seen in the
 * `processes` list events. Every other member of the hub (present or added later) is the hub's own.
 */
import { PROCESSES_CHANNEL, type ProcessStatusData } from '../../shared/protocol';
import type { HubApi } from '../hub/hub-api';
import type { OutputLine } from '../hub/wire-frame';
import type { AlertEngine } from './alert-engine';

/** A HubApi that also feeds `engine`. */
export function tapHub<H extends HubApi>(hub: H, engine: AlertEngine): H {
  let known = new Set<string>();
  const tapped: Partial<Record<keyof HubApi, unknown>> = {
    publishEvent(channel: string, data: unknown): void {
      hub.publishEvent(channel, data);
      if (channel === PROCESSES_CHANNEL) known = forgetRemoved(known, data, engine);
    },
    publishOutput(processId: string, lines: readonly OutputLine[]): void {
      hub.publishOutput(processId, lines);
      // The per-chunk cost when no rule watches this process: one Map lookup and a short loop.
      if (engine.wantsLines(processId)) engine.onLines(processId, lines);
    },
    publishStatus(processId: string, data: ProcessStatusData): void {
      try {
        hub.publishStatus(processId, data);
      } finally {
        engine.onStatus(processId, data);
      }
    },
  };
  return new Proxy(hub, {
    get(target, prop) {
      if (Object.prototype.hasOwnProperty.call(tapped, prop)) return tapped[prop as keyof HubApi];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function forgetRemoved(known: Set<string>, data: unknown, engine: AlertEngine): Set<string> {
  const processes = (data as { processes?: unknown } | null)?.processes;
  if (!Array.isArray(processes)) return known;
  const now = new Set(processes.map((p) => (p as { id?: unknown }).id).filter((id): id is string => typeof id === 'string'));
  for (const id of known) if (!now.has(id)) engine.onRemoved(id);
  return now;
}
