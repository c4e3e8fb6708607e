/**
 * Process ids on a shared engine (CONTRACT.md, "Several machines, one dashboard"): every process
 * is named `<id>@<node>` in channels, methods and the dashboard. Without a shared engine ids stay
 * bare. The one place that builds and reads the qualified form, for the hub, the CLI and the UI.
 */
import { isValidProcessId } from './channels';

/** Longest node name (a DNS label). */
export const MAX_NODE_NAME = 63;

// Host names as they come (`build-1`, `ci.example.com`), never a character that means something in
// a Redis key, a channel name or a qualified id (`@`, `:`, `~`, spaces).
const NODE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Whether a string is a valid node name: letters, digits, `_ . -`, at most 63, starting with a letter or digit. */
export function isValidNodeName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_NODE_NAME && NODE_RE.test(name);
}

/** `web` on node `build-1` is `web@build-1`. */
export function qualifyProcessId(id: string, node: string): string {
  return `${id}@${node}`;
}

/** A process id as given: its bare id, and its node when qualified. */
export interface ProcessRef {
  id: string;
  node?: string;
}

/** Read `web` or `web@build-1`; null when neither part is valid. */
export function parseProcessRef(ref: unknown): ProcessRef | null {
  if (typeof ref !== 'string') return null;
  const at = ref.lastIndexOf('@');
  if (at < 0) return isValidProcessId(ref) ? { id: ref } : null;
  const id = ref.slice(0, at);
  const node = ref.slice(at + 1);
  return isValidProcessId(id) && isValidNodeName(node) ? { id, node } : null;
}

/** Whether a string names a process, bare or qualified. */
export function isValidProcessRef(ref: unknown): ref is string {
  return parseProcessRef(ref) !== null;
}

/** A node name made from a host name: invalid characters become `-`, cut to 63. */
export function nodeNameFromHost(host: string): string {
  const cleaned = host.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, MAX_NODE_NAME);
  return cleaned.length > 0 ? cleaned : 'node';
}
