/** Channel naming rules and the hub's reserved channels (CONTRACT.md, "Channels"). */

/** Longest channel name the hub accepts. */
export const MAX_CHANNEL_LENGTH = 200;

/** The channel every process's output and status go to. */
export const PROCESS_CHANNEL_PREFIX = 'process:';
/** The process list and every change to it. */
export const PROCESSES_CHANNEL = 'processes';
/** Prefix of the hub's own channels. */
export const HUB_CHANNEL_PREFIX = 'hub:';
/** A statistics snapshot every second while anyone is subscribed. */
export const HUB_STATS_CHANNEL = 'hub:stats';
/** Alerts (version 2). */
export const ALERTS_CHANNEL = 'alerts';
/** The record of control actions (version 2). */
export const AUDIT_CHANNEL = 'audit';
/** Channels whose latest message a new subscriber gets at once, without `since`: their value is their latest state. */
export const LATEST_VALUE_CHANNELS: readonly string[] = [PROCESSES_CHANNEL, HUB_STATS_CHANNEL];

const CHANNEL_RE = /^[A-Za-z0-9_\-.:/@]+$/;
/** Process ids as Foreman and honcho accept Procfile names. */
const PROCESS_ID_RE = /^[A-Za-z0-9_-]+$/;

/** Why a channel name is invalid, or null when it is fine. */
export function channelNameError(name: unknown): string | null {
  if (typeof name !== 'string') return 'channel must be a string';
  if (name.length === 0) return 'channel must not be empty';
  if (name.length > MAX_CHANNEL_LENGTH) return `channel longer than ${MAX_CHANNEL_LENGTH} characters`;
  if (!CHANNEL_RE.test(name)) return 'channel may only hold letters, digits and _ - . : / @';
  return null;
}

/** Whether a name is a valid channel name. */
export function isValidChannel(name: unknown): name is string {
  return channelNameError(name) === null;
}

/** Whether a channel belongs to the hub itself (`process:*`, `processes`, `hub:*`, `alerts`, `audit`): clients never publish there. */
export function isReservedChannel(name: string): boolean {
  return (
    name.startsWith(PROCESS_CHANNEL_PREFIX) || name === PROCESSES_CHANNEL || name.startsWith(HUB_CHANNEL_PREFIX) || name === ALERTS_CHANNEL || name === AUDIT_CHANNEL
  );
}

/** Whether a string is a valid process id (a Procfile name). */
export function isValidProcessId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 100 && PROCESS_ID_RE.test(id);
}

/** The channel of one process. */
export function processChannel(id: string): string {
  return PROCESS_CHANNEL_PREFIX + id;
}
