/**
 * The backlog of `switchyard logs` where the hub keeps no store: each `process:<id>` channel
 * subscribed with `since: 0` replays what it retains. A channel's replay is complete once the
 * message with the `seq` its `subscribed` answer named has come (or, for a history that no longer
 * holds it, after a quiet moment). Messages past that `seq` are live: they are handed on only once
 * every channel's backlog is in, so that the backlog is printed first, in time order.
 */
import type { Message } from '../../shared/protocol';
import { entryFromMessage, type LogEntry } from './log-entries';
import type { HubSession } from './hub-session';

/** What the caller hears while following. */
export interface LiveHandlers {
  /** A live output line. */
  line(entry: LogEntry): void;
  /** A live status change. */
  status(process: string, data: unknown): void;
}

/** Options of {@link subscribeRetained}. */
export interface RetainedOptions {
  /** How long a channel may stay silent after its `subscribed` answer before its backlog counts as complete. Default 1500 ms. */
  quietMs?: number;
  /** Give up waiting for backlogs after this long. Default 15000 ms. */
  timeoutMs?: number;
}

/** Subscribed channels: the backlog of each, then (through `live`, after {@link RetainedSubscription.goLive}) what follows. */
export interface RetainedSubscription {
  /** Resolves with one list per process (each in its channel's order) once every backlog is in. */
  backlog: Promise<LogEntry[][]>;
  /** Hand on live messages from now on (those held back so far first). */
  goLive(handlers: LiveHandlers): void;
  /** Subscribe to one more process (one that appeared while following): everything it has is live. */
  add(process: string): void;
}

interface ChannelState {
  process: string;
  entries: LogEntry[];
  latest?: number;
  seen: number;
  done: boolean;
  quiet?: ReturnType<typeof setTimeout>;
}

/** Subscribe to the processes' channels with `since: 0`. */
export function subscribeRetained(session: HubSession, processes: readonly string[], options: RetainedOptions = {}): RetainedSubscription {
  const quietMs = options.quietMs ?? 1500;
  const channels = new Map<string, ChannelState>();
  const held: (() => void)[] = [];
  let handlers: LiveHandlers | undefined;
  let settle: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (settle = resolve));

  const deliver = (fn: (h: LiveHandlers) => void) => (handlers ? fn(handlers) : held.push(() => fn(handlers as LiveHandlers)));
  const check = () => {
    if ([...channels.values()].every((c) => c.done)) settle();
  };
  const complete = (state: ChannelState) => {
    if (state.quiet) clearTimeout(state.quiet);
    state.done = true;
    check();
  };
  const rearm = (state: ChannelState) => {
    if (state.quiet) clearTimeout(state.quiet);
    if (!state.done && state.latest !== undefined) state.quiet = setTimeout(() => complete(state), quietMs);
  };

  const offSubscribed = session.client.on('subscribed', ({ channel, seq }) => {
    const state = channels.get(channel);
    if (!state || state.done || state.latest !== undefined) return;
    state.latest = seq;
    if (seq === 0 || state.seen >= seq) complete(state);
    else rearm(state);
  });

  const subscribe = (process: string, live: boolean) => {
    const channel = `process:${process}`;
    if (channels.has(channel)) return;
    const state: ChannelState = { process, entries: [], seen: 0, done: live };
    channels.set(channel, state);
    session.client.subscribe(
      channel,
      (message: Message) => {
        const seq = message.seq ?? 0;
        const inBacklog = !state.done && (state.latest === undefined || seq <= state.latest);
        state.seen = Math.max(state.seen, seq);
        if (inBacklog) {
          const entry = entryFromMessage(message, process);
          if (entry) state.entries.push(entry);
          if (state.latest !== undefined && seq >= state.latest) complete(state);
          else rearm(state);
          return;
        }
        if (message.type === 'process_status') deliver((h) => h.status(process, message.data));
        else {
          const entry = entryFromMessage(message, process);
          if (entry) deliver((h) => h.line(entry));
        }
      },
      { since: 0 },
    );
  };
  for (const process of processes) subscribe(process, false);
  check();

  const timeout = new Promise<void>((resolve) => setTimeout(resolve, options.timeoutMs ?? 15_000).unref());
  const backlog = Promise.race([allDone, timeout]).then(() => {
    offSubscribed();
    for (const state of channels.values()) {
      if (state.quiet) clearTimeout(state.quiet);
      state.done = true;
    }
    return [...channels.values()].map((c) => c.entries);
  });

  return {
    backlog,
    goLive(h) {
      handlers = h;
      for (const fn of held.splice(0)) fn();
    },
    add: (process) => subscribe(process, true),
  };
}
