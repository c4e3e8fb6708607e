/**
 * Wires a hub connection to the dashboard: subscribes to the process, process-list and stats
 * channels, feeds output through the batching buffer into the LogBook (outside React), keeps the
 * store's process list and role current, and carries out the operators' actions.
 */
import { HUB_STATS_CHANNEL, PROCESSES_CHANNEL, PROCESS_CHANNEL_PREFIX, processChannel, type Message } from '../../shared/protocol';
import {
  LEVELS,
  LogsReadResultSchema,
  LogsSearchResultSchema,
  type Level,
  type LogsReadParams,
  type LogsReadResult,
  type LogsSearchParams,
  type LogsSearchResult,
} from '../../shared/protocol/payloads/logs';
import type { ConnectionStatus, HubConnection } from './connection/hub-connection';
import type { SessionState } from './connection/session-check';
import type { LogBook } from './logs/log-book';
import { OutputBatcher, type FlushScheduler } from './logs/output-batcher';
import { RenderGate, type RenderGateOptions } from './logs/render-gate';
import { ReplayTracker } from './logs/replay-tracker';
import { SubscriptionPacer } from './connection/subscription-pacer';
import type { DashboardStore, Role } from './state/dashboard-store';
import { parseHubStats } from './state/hub-stats';
import { parseProcessesPayload, parseStatusFields, parseTime, type ProcessInfo } from './state/process-info';
import { statusNote } from './state/status-text';

const LEVEL_SET: ReadonlySet<string> = new Set(LEVELS);

/** What arrives on a `process:<id>` channel, queued for the next frame. */
type Inbound =
  | { kind: 'output'; processId: string; data: string; stream?: 'stdout' | 'stderr'; timestamp?: string; level?: Level }
  | { kind: 'status'; processId: string; data: Record<string, unknown>; timestamp?: string }
  | { kind: 'gap'; processId: string; resumed: boolean };

/** Options of {@link DashboardController}. */
export interface ControllerOptions {
  /** When to apply queued output; the default is once per animation frame. */
  schedule: FlushScheduler;
  /** The role when it is known up front (the desktop window's launch token is an operator). */
  knownRole?: Role;
  /** Asks the hub whether the session still holds (browsers); absent: never end the session. */
  checkSession?: () => Promise<SessionState>;
  /** How many refused checks in a row end the session. Default 1 (the client already saw several silent refusals). */
  refusalsToEnd?: number;
  /** Request timeout. Default 10,000 ms. */
  timeoutMs?: number;
  /** Clock. Default `Date.now`. */
  now?: () => number;
  /** When a flood of lines is redrawn (the replay on connecting); see {@link RenderGate}. */
  renderGate?: RenderGateOptions;
}

/** The operators' and viewers' actions, as components call them. */
export interface DashboardActions {
  startProcess(id: string): Promise<boolean>;
  stopProcess(id: string): Promise<boolean>;
  restartProcess(id: string): Promise<boolean>;
  addProcess(id: string, command: string): Promise<boolean>;
  /** A one-time login link for a role, or null when the hub refused. */
  loginLink(role: Role): Promise<string | null>;
  disconnectClient(clientId: string): Promise<boolean>;
  clearLogs(processId: string): void;
  /** Stored lines (`logs.read`); rejects with the hub's error code (`unknown_method` where nothing is stored). */
  readLogs?(params: LogsReadParams): Promise<LogsReadResult>;
  /** Search the stored lines (`logs.search`). */
  searchLogs?(params: LogsSearchParams): Promise<LogsSearchResult>;
  /** Reconnect now instead of waiting for the next attempt. */
  retryNow(): void;
}

/** Connects one hub connection to one store and one LogBook. */
export class DashboardController implements DashboardActions {
  private readonly conn: HubConnection;
  private readonly store: DashboardStore;
  private readonly book: LogBook;
  private readonly options: ControllerOptions;
  private readonly batcher: OutputBatcher<Inbound>;
  private readonly gate: RenderGate;
  /** Status changes applied to the LogBook and waiting for the next redraw to reach the store. */
  private readonly pendingPatches: Array<Partial<ProcessInfo> & { id: string }> = [];
  /** Which process channels are replaying history; only when the connection reports `subscribed`. */
  private readonly replay: ReplayTracker | null;
  /** Sends process subscribes one at a time; only when the connection reports `subscribed`. */
  private readonly pacer: SubscriptionPacer | null;
  private readonly processSubs = new Map<string, () => void>();
  private readonly cleanups: Array<() => void> = [];
  private refusals = 0;
  private checking = false;
  private ended = false;
  private started = false;
  private readonly now: () => number;
  /** Our own client id, from `hub.whoami` (changes at every reconnect). */
  private selfId: string | undefined;

  constructor(conn: HubConnection, store: DashboardStore, book: LogBook, options: ControllerOptions) {
    this.conn = conn;
    this.store = store;
    this.book = book;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.batcher = new OutputBatcher((batch) => this.apply(batch), options.schedule);
    this.replay = conn.onSubscribed ? new ReplayTracker() : null;
    this.pacer = conn.onSubscribed ? new SubscriptionPacer() : null;
    this.gate = new RenderGate(() => this.render(), { now: this.now, ...options.renderGate });
  }

  /** Subscribe and connect. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.options.knownRole) this.store.getState().setRole(this.options.knownRole);
    this.cleanups.push(
      this.conn.onStatus((s) => this.onStatus(s)),
      this.conn.onGap((gap) => {
        if (gap.channel.startsWith(PROCESS_CHANNEL_PREFIX)) this.batcher.push({ kind: 'gap', processId: gap.channel.slice(PROCESS_CHANNEL_PREFIX.length), resumed: gap.resumed });
      }),
      this.conn.onSubscribed?.((s) => {
        if (!s.channel.startsWith(PROCESS_CHANNEL_PREFIX)) return;
        this.replay?.answered(s.channel, s.seq);
        this.pacer?.answered(s.channel);
      }) ?? (() => {}),
      this.conn.subscribe(PROCESSES_CHANNEL, (m) => this.onProcesses(m)),
      this.conn.subscribe(HUB_STATS_CHANNEL, (m) => this.onStats(m.data)),
    );
    this.conn.start();
  }

  /** Apply what is queued now (tests, and before copying the view). */
  flush(): void {
    this.batcher.flush();
    this.gate.renderNow();
  }

  /** Unsubscribe and close the connection; safe to call twice. */
  close(): void {
    this.batcher.close();
    this.gate.cancel();
    this.pacer?.close();
    for (const off of this.cleanups.splice(0)) off();
    for (const off of this.processSubs.values()) off();
    this.processSubs.clear();
    this.conn.close();
  }

  startProcess(id: string): Promise<boolean> {
    return this.run('process.start', { id });
  }

  stopProcess(id: string): Promise<boolean> {
    return this.run('process.stop', { id });
  }

  restartProcess(id: string): Promise<boolean> {
    return this.run('process.restart', { id });
  }

  async addProcess(id: string, command: string): Promise<boolean> {
    const ok = await this.run('process.add', { id, command });
    if (ok) void this.loadProcesses();
    return ok;
  }

  async loginLink(role: Role): Promise<string | null> {
    try {
      const res = await this.conn.request('hub.loginLink', { role }, { timeoutMs: this.timeout });
      const url = typeof res === 'string' ? res : (res as { url?: unknown } | null)?.url;
      if (typeof url !== 'string') throw new Error('the hub sent no url');
      return url;
    } catch (e) {
      this.store.getState().setNotice(`Could not create a login link: ${errorText(e)}`);
      return null;
    }
  }

  disconnectClient(clientId: string): Promise<boolean> {
    return this.run('hub.disconnect', { clientId });
  }

  clearLogs(processId: string): void {
    this.batcher.flush();
    this.book.clear(processId);
    this.gate.renderNow();
  }

  retryNow(): void {
    if (!this.ended) this.conn.retryNow();
  }

  async readLogs(params: LogsReadParams): Promise<LogsReadResult> {
    return LogsReadResultSchema.parse(await this.conn.request('logs.read', params, { timeoutMs: this.timeout }));
  }

  async searchLogs(params: LogsSearchParams): Promise<LogsSearchResult> {
    return LogsSearchResultSchema.parse(await this.conn.request('logs.search', params, { timeoutMs: this.timeout }));
  }

  private get timeout(): number {
    return this.options.timeoutMs ?? 10_000;
  }

  private async run(method: string, params: unknown): Promise<boolean> {
    try {
      await this.conn.request(method, params, { timeoutMs: this.timeout });
      return true;
    } catch (e) {
      this.store.getState().setNotice(`${method} failed: ${errorText(e)}`);
      return false;
    }
  }

  private onStatus(status: ConnectionStatus): void {
    if (this.ended) return;
    if (status.kind === 'session-ended') {
      this.endSession();
      return;
    }
    this.store.getState().setConnection(status);
    if (status.kind !== 'connected') this.replay?.connectionLost();
    if (status.kind === 'connected') {
      // The client has just resubscribed every channel: their replays are to come.
      for (const id of this.processSubs.keys()) this.replay?.expect(processChannel(id));
      this.refusals = 0;
      void this.loadProcesses();
      void this.detectRole();
    } else if (status.kind === 'reconnecting' && status.sessionSuspect && this.options.checkSession && !this.checking) {
      this.checking = true;
      void this.options.checkSession().then((state) => {
        this.checking = false;
        this.refusals = state === 'refused' ? this.refusals + 1 : 0;
        if (this.refusals >= (this.options.refusalsToEnd ?? 1)) this.endSession();
      });
    }
  }

  private endSession(): void {
    if (this.ended) return;
    this.store.getState().setConnection({ kind: 'session-ended', reason: 'the hub refused this session' });
    this.store.getState().setRole(null);
    this.ended = true;
    // Stop hammering the hub with credentials it will never accept again.
    this.conn.close();
  }

  private async loadProcesses(): Promise<void> {
    try {
      const res = await this.conn.request('process.list', undefined, { timeoutMs: this.timeout });
      const update = parseProcessesPayload(res, this.now());
      if (update) this.applyProcesses(update);
    } catch (e) {
      this.store.getState().setNotice(`Could not list processes: ${errorText(e)}`);
    }
  }

  /** Ask the hub who we are (`hub.whoami`): our client id marks our row in the hub panel, our role shows or hides controls. */
  private async detectRole(): Promise<void> {
    try {
      const who = (await this.conn.request('hub.whoami', undefined, { timeoutMs: this.timeout })) as { role?: unknown; clientId?: unknown } | null;
      if (typeof who?.clientId === 'string') this.selfId = who.clientId;
      if (!this.options.knownRole && (who?.role === 'operator' || who?.role === 'viewer')) this.store.getState().setRole(who.role);
    } catch {
      // Refused or timed out: the role stays unknown and controls stay hidden; the hub enforces roles anyway.
    }
  }

  private onProcesses(message: Message): void {
    const update = parseProcessesPayload(message.data, this.now());
    if (update) this.applyProcesses(update);
  }

  /** Apply a complete process list: new processes are subscribed, removed ones let go. */
  private applyProcesses(list: ProcessInfo[]): void {
    const state = this.store.getState();
    // Status changes that came before this list, still waiting for a redraw, go first.
    if (this.pendingPatches.length) state.patchProcesses(this.pendingPatches.splice(0));
    state.setProcesses(list);
    const ids = new Set(this.store.getState().processes.map((p) => p.id));
    for (const id of ids) if (!this.processSubs.has(id)) this.subscribeProcess(id);
    for (const [id, off] of this.processSubs) {
      if (!ids.has(id)) {
        off();
        this.replay?.forget(processChannel(id));
        this.processSubs.delete(id);
      }
    }
  }

  private subscribeProcess(id: string): void {
    const channel = processChannel(id);
    if (this.store.getState().connection.kind === 'connected') this.replay?.expect(channel);
    let off: (() => void) | null = null;
    const start = () => {
      off = this.conn.subscribe(channel, (m) => {
        this.replay?.arrived(channel, m.seq);
        if (m.type === 'process_output' && typeof m.data === 'string') {
          // A set lookup, not a schema parse: this runs for every line, and most carry no level.
          const level = m.level !== undefined && LEVEL_SET.has(m.level) ? m.level : undefined;
          this.batcher.push({ kind: 'output', processId: id, data: m.data, stream: m.stream, timestamp: m.timestamp, level });
        } else if (m.type === 'process_status' && typeof m.data === 'object' && m.data !== null) {
          this.batcher.push({ kind: 'status', processId: id, data: m.data as Record<string, unknown>, timestamp: m.timestamp });
        }
      });
    };
    if (!this.pacer) {
      start();
      this.processSubs.set(id, () => off?.());
      return;
    }
    const drop = this.pacer.enqueue(channel, start);
    this.processSubs.set(id, () => {
      drop();
      off?.();
    });
  }

  private onStats(data: unknown): void {
    const stats = parseHubStats(data);
    if (!stats) return;
    if (this.selfId !== undefined) for (const c of stats.clients) if (c.id === this.selfId) c.self = true;
    this.store.getState().setStats(stats);
  }

  /** Draw what was applied: the status changes and the new lines, in one React update. */
  private render(): void {
    const state = this.store.getState();
    if (this.pendingPatches.length) state.patchProcesses(this.pendingPatches.splice(0));
    state.bumpLogs();
  }

  /**
   * Apply one frame's worth of channel messages: lines to the LogBook, statuses to the store. The
   * statuses go with the lines, so a replay's status notes do not redraw the sidebar one by one.
   */
  private apply(batch: Inbound[]): void {
    const patches = this.pendingPatches;
    for (const item of batch) {
      if (item.kind === 'output') {
        this.book.addOutput(item);
      } else if (item.kind === 'gap') {
        this.book.addGap(item.processId, item.resumed);
      } else {
        const fields = parseStatusFields(item.data, this.now());
        const patch: Partial<ProcessInfo> & { id: string } = { ...fields, id: item.processId };
        if (fields.status === 'running' && fields.startedAt === undefined) patch.startedAt = parseTime(item.timestamp) ?? this.now();
        if (fields.status && fields.status !== 'running' && fields.status !== 'starting') patch.pid = fields.pid;
        patches.push(patch);
        if (fields.status) {
          const run = typeof item.data.run === 'number' ? item.data.run : undefined;
          this.book.addStatus(item.processId, statusNote(item.processId, fields), item.timestamp, { status: fields.status, run, exitCode: fields.exitCode, signal: fields.signal });
        }
      }
    }
    this.book.commit();
    this.book.replaying = this.replay?.replaying ?? false;
    this.gate.applied(batch.length, this.book.replaying);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
