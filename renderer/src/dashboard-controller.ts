/**
 * Wires a hub connection to the dashboard: subscribes to the process, process-list and stats
 * channels, feeds output through the batching buffer into the LogBook (outside React), keeps the
 * store's process list and role current, and carries out the operators' actions.
 */
import { requestArgs } from '../../shared/client/client-types';
import {
  HUB_STATS_CHANNEL,
  PROCESSES_CHANNEL,
  PROCESS_CHANNEL_PREFIX,
  processChannel,
  type AlertEvent,
  type Message,
  type MethodName,
  type ParamsOf,
  type ProcessInfo,
} from '../../shared/protocol';
import {
  LogsReadResultSchema,
  LogsSearchResultSchema,
  type LogsReadParams,
  type LogsReadResult,
  type LogsSearchParams,
  type LogsSearchResult,
} from '../../shared/protocol/payloads/logs';
import type { ConnectionStatus, HubConnection } from './connection/hub-connection';
import { ProcessSubscriptions, type ProcessChannelItem } from './connection/process-subscriptions';
import type { SessionState } from './connection/session-check';
import { ALL_PROCESSES, type LogBook } from './logs/log-book';
import { OutputBatcher, type FlushScheduler } from './logs/output-batcher';
import { RenderGate, type RenderGateOptions } from './logs/render-gate';
import { ReplayTracker } from './logs/replay-tracker';
import { SubscriptionPacer } from './connection/subscription-pacer';
import type { DashboardStore, Role } from './state/dashboard-store';
import { EventFeed } from './state/event-feed';
import { readHubStats } from './state/hub-stats-view';
import { applyStatus, readProcessList, readStatus } from './state/process-list';
import { statusNote } from './state/status-text';
import type { DashboardActions, LoginLinkInfo } from './dashboard-actions';

/** Options of {@link DashboardController}. */
export interface ControllerOptions {
  /** When to apply queued output; the default is once per animation frame. */
  schedule: FlushScheduler;
  /** The role when it is known up front (the desktop window's launch token is an operator). */
  knownRole?: Role;
  /** Asks the hub whether the session still holds (browsers); absent: never end the session. */
  checkSession?: () => Promise<SessionState>;
  /** There is no credential at all (a browser that never logged in): say so at once instead of connecting. Default false. */
  noSession?: boolean;
  /** How many refused checks in a row end the session. Default 1 (the client already saw several silent refusals). */
  refusalsToEnd?: number;
  /** Request timeout. Default 10,000 ms. */
  timeoutMs?: number;
  /** Clock. Default `Date.now`. */
  now?: () => number;
  /** When a flood of lines is redrawn (the replay on connecting); see {@link RenderGate}. */
  renderGate?: RenderGateOptions;
  /** Hears each alert that arrives live (not the list loaded at connect): the browser's notifications. */
  onLiveAlert?: (alert: AlertEvent) => void;
}

/** Connects one hub connection to one store and one LogBook. */
export class DashboardController implements DashboardActions {
  private readonly conn: HubConnection;
  private readonly store: DashboardStore;
  private readonly book: LogBook;
  private readonly options: ControllerOptions;
  private readonly batcher: OutputBatcher<ProcessChannelItem>;
  private readonly gate: RenderGate;
  /** Processes whose status changed, applied to the LogBook and waiting for the next redraw to reach the store. */
  private readonly pendingStatus = new Map<string, ProcessInfo>();
  /** Alerts and audit entries. */
  private readonly feed: EventFeed;
  /** Which process channels are replaying history; only when the connection reports `subscribed`. */
  private readonly replay: ReplayTracker | null;
  /** Sends process subscribes one at a time; only when the connection reports `subscribed`. */
  private readonly pacer: SubscriptionPacer | null;
  private readonly processes: ProcessSubscriptions;
  private readonly cleanups: Array<() => void> = [];
  private refusals = 0;
  private checking = false;
  private ended = false;
  private started = false;
  /** Whether this page was ever connected: a refusal before that means "not logged in", not "session ended". */
  private connectedOnce = false;
  private readonly now: () => number;

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
    this.processes = new ProcessSubscriptions(conn, {
      push: (item) => this.batcher.push(item),
      connected: () => this.store.getState().connection.kind === 'connected',
      replay: this.replay,
      pacer: this.pacer,
    });
    const tracker = this.replay;
    if (tracker) {
      const ready = (id: string) => tracker.caughtUp(processChannel(id));
      book.historyReady = (viewId) => (viewId === ALL_PROCESSES ? [...this.processes.ids()].every(ready) : ready(viewId));
    }
    this.feed = new EventFeed(conn, store, { timeoutMs: options.timeoutMs ?? 10_000, onLiveAlert: options.onLiveAlert });
  }

  /** Subscribe and connect. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.options.knownRole) this.store.getState().setRole(this.options.knownRole);
    if (this.options.noSession) {
      this.ended = true;
      this.store.getState().setConnection({ kind: 'session-ended', reason: 'no login session', neverLoggedIn: true });
      return;
    }
    this.cleanups.push(
      this.conn.onStatus((s) => this.onStatus(s)),
      this.conn.onGap((gap) => {
        if (gap.channel.startsWith(PROCESS_CHANNEL_PREFIX)) this.batcher.push({ kind: 'gap', processId: gap.channel.slice(PROCESS_CHANNEL_PREFIX.length), resumed: gap.resumed });
      }),
      this.conn.onSubscribed?.((s) => {
        if (!s.channel.startsWith(PROCESS_CHANNEL_PREFIX)) return;
        this.replay?.answered(s.channel, s.seq);
        this.pacer?.answered(s.channel);
        this.replayAnswered();
      }) ?? (() => {}),
      this.conn.subscribe(PROCESSES_CHANNEL, (m) => this.onProcesses(m)),
      this.conn.subscribe(HUB_STATS_CHANNEL, (m) => this.onStats(m.data)),
    );
    this.feed.start();
    this.conn.start();
    // A browser that opens `/` without a session would otherwise learn it only after several
    // silent refusals; one request says so at once.
    void this.options.checkSession?.().then((state) => {
      if (state === 'refused' && !this.connectedOnce) this.endSession();
    });
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
    this.feed.close();
    this.processes.close();
    this.conn.close();
  }

  // Starting a process starts what it depends on first (as Tilt does): say so, since the process
  // itself then waits (its status says for what).
  async startProcess(id: string): Promise<boolean> {
    const before = this.store.getState().processes.find((p) => p.id === id);
    const unmet = (before?.dependsOn ?? []).filter((d) => !d.met).map((d) => d.id);
    const ok = await this.run('process.start', { id });
    if (ok && unmet.length > 0) this.store.getState().setNotice(`Starting ${id} starts what it needs first: ${unmet.join(', ')}; ${id} waits until ${unmet.length === 1 ? 'it is' : 'they are'} ready.`);
    return ok;
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

  async removeProcess(id: string): Promise<boolean> {
    const ok = await this.run('process.remove', { id });
    if (ok) void this.loadProcesses();
    return ok;
  }

  async loginLink(role: Role): Promise<LoginLinkInfo | null> {
    try {
      const res = await this.conn.request('hub.loginLink', { role }, { timeoutMs: this.timeout });
      return res.expiresAt !== undefined ? { url: res.url, expiresAt: res.expiresAt } : { url: res.url };
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

  private async run<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<boolean> {
    try {
      await this.conn.request(method, ...requestArgs<M>(params, { timeoutMs: this.timeout }));
      return true;
    } catch (e) {
      // The client's message is the cause alone; a hub message that already names the method is not prefixed twice.
      const cause = errorText(e);
      this.store.getState().setNotice(cause.startsWith(`${method}:`) ? cause : `${method} failed: ${cause}`);
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
      this.connectedOnce = true;
      this.processes.expectReplays();
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
    this.store.getState().setConnection({ kind: 'session-ended', reason: 'the hub refused this session', neverLoggedIn: !this.connectedOnce });
    this.store.getState().setRole(null);
    this.ended = true;
    // Stop hammering the hub with credentials it will never accept again.
    this.conn.close();
  }

  private async loadProcesses(): Promise<void> {
    try {
      this.onList(await this.conn.request('process.list', undefined, { timeoutMs: this.timeout }));
    } catch (e) {
      this.store.getState().setNotice(`Could not list processes: ${errorText(e)}`);
    }
  }

  /** Ask the hub who we are (`hub.whoami`): our client id marks our row in the hub panel, our role shows or hides controls. */
  private async detectRole(): Promise<void> {
    try {
      const who = await this.conn.request('hub.whoami', undefined, { timeoutMs: this.timeout });
      this.store.getState().setSelfClientId(who.clientId);
      if (!this.options.knownRole) this.store.getState().setRole(who.role);
    } catch {
      // Refused or timed out: the role stays unknown and controls stay hidden; the hub enforces roles anyway.
    }
  }

  private onProcesses(message: Message): void {
    this.onList(message.data);
  }

  private onList(payload: unknown): void {
    const reading = readProcessList(payload);
    if (reading.ok) this.applyProcesses(reading.list);
    else this.store.getState().setNotice(`The hub sent a process list this dashboard cannot read (${reading.error})`);
  }

  /** Apply a complete process list: new processes are subscribed, removed ones let go. */
  private applyProcesses(list: ProcessInfo[]): void {
    // The list is newer than any status change still waiting for a redraw: it is the truth.
    this.pendingStatus.clear();
    this.store.getState().setProcesses(list, this.now());
    this.processes.sync(new Set(this.store.getState().processes.map((p) => p.id)));
  }

  private onStats(data: unknown): void {
    const stats = readHubStats(data);
    if (stats) this.store.getState().setStats(stats, this.now());
  }

  /** Draw what was applied: the status changes and the new lines, in one React update. */
  private render(): void {
    const state = this.store.getState();
    if (this.pendingStatus.size) {
      state.updateProcesses([...this.pendingStatus.values()]);
      this.pendingStatus.clear();
    }
    state.bumpLogs();
  }

  /**
   * A channel whose history was read over HTTP is caught up by the hub's answer itself, with no
   * message after it: when nothing waits to be applied, the end of the replay is drawn here (and
   * stored history may load); otherwise the next batch does it.
   */
  private replayAnswered(): void {
    if (!this.book.replaying || (this.replay?.replaying ?? false) || this.batcher.pending > 0) return;
    this.book.replaying = false;
    this.gate.applied(0, false);
  }

  /**
   * Apply one frame's worth of channel messages: lines to the LogBook, statuses to the store. The
   * statuses go with the lines, so a replay's status notes do not redraw the sidebar one by one.
   */
  private apply(batch: ProcessChannelItem[]): void {
    let lines = 0;
    for (const item of batch) {
      lines += item.kind === 'rows' ? item.rows.length : 1;
      if (item.kind === 'output') {
        this.book.addOutput(item);
      } else if (item.kind === 'rows') {
        this.book.addRows(item.processId, item.rows);
      } else if (item.kind === 'gap') {
        this.book.addGap(item.processId, item.resumed);
      } else {
        const data = readStatus(item.data);
        if (!data) continue;
        const known = this.pendingStatus.get(item.processId) ?? this.store.getState().processes.find((p) => p.id === item.processId);
        if (known) this.pendingStatus.set(item.processId, applyStatus(known, data, item.timestamp ?? new Date(this.now()).toISOString()));
        this.book.addStatus(item.processId, statusNote(item.processId, data), item.timestamp, { status: data.status, run: data.run, exitCode: data.exitCode, signal: data.signal });
      }
    }
    this.book.commit();
    this.book.replaying = this.replay?.replaying ?? false;
    this.gate.applied(lines, this.book.replaying);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
