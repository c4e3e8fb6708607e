/**
 * Feeds the alert engine from what the supervisor sends the hub, without a change to the
 * supervisor: the supervisor is given this wrapper instead of the hub. Statuses and lines pass
 * through unchanged (same return values, same throws), and the engine hears them after the hub.
 * Removed processes are seen in the `processes` list events.
 */
import { PROCESSES_CHANNEL, type OutputStream, type ProcessStatusData } from '../../shared/protocol';
import type { HubApi, Publishable } from '../hub/types';
import type { AlertEngine } from './alert-engine';

/** A HubApi that also feeds `engine`; every other member (present or added later) is the hub's own. */
export function tapHub<H extends HubApi>(hub: H, engine: AlertEngine): H {
  let known = new Set<string>();
  const tapped: Partial<Record<keyof HubApi, unknown>> = {
    publish(channel: string, message: Publishable): number {
      const seq = hub.publish(channel, message);
      if (channel === PROCESSES_CHANNEL) known = forgetRemoved(known, message.data, engine);
      return seq;
    },
    sendProcessOutput(processId: string, line: string, stream: OutputStream, ...rest: unknown[]): number {
      const seq = (hub.sendProcessOutput as (...args: unknown[]) => number)(processId, line, stream, ...rest);
      // The per-line cost when no rule watches this process: one Map lookup and a short loop.
      if (engine.wantsLines(processId)) engine.onLines(processId, [{ data: line }]);
      return seq;
    },
    sendProcessStatus(processId: string, data: ProcessStatusData): number {
      try {
        return hub.sendProcessStatus(processId, data);
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
  const processes = (data as { kind?: unknown; processes?: unknown } | null)?.processes;
  if (!Array.isArray(processes)) return known;
  const now = new Set(processes.map((p) => (p as { id?: unknown }).id).filter((id): id is string => typeof id === 'string'));
  for (const id of known) if (!now.has(id)) engine.onRemoved(id);
  return now;
}
