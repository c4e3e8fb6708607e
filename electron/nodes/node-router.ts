/**
 * One node of several (CONTRACT.md, "Several machines, one dashboard"): the hub as the supervisor,
 * the store and the alerts see it, with every process id qualified `<id>@<node>` on the way out,
 * and every method about a process answered by the node that runs it.
 *
 * - Out: output, terminal bytes, statuses and any event on `process:<id>` go to `process:<id>@<node>`; the `processes` channel
 *   (node-local) carries every node's processes, this node's as the supervisor says, the others'
 *   from their announcements, `unreachable` where a node is gone. Alerts are qualified where they
 *   are made (the alert engine's `node`), not here.
 * - In: a `process.*` request whose `id` names another node travels there (node-network.ts) and
 *   its answer comes back through this node; `process.list` asks every node (falling back to the
 *   last announcement); `logs.read` and `logs.search` read every node's store and merge
 *   (merged-logs.ts); `alerts.list` and `audit.list` gather every node's latest entries, as their
 *   channels are shared (merged-events.ts). An id without its node is `not_found`, with the qualified form in the message.
 * - Everything else passes through unchanged. Without a shared engine the router is not used.
 */
import {
  PROCESSES_CHANNEL,
  PROCESS_CHANNEL_PREFIX,
  METHODS,
  isMethodName,
  parseProcessRef,
  qualifyProcessId,
  type LogsReadResult,
  type LogsSearchResult,
  type NodeInfo,
  type ProcessInfo,
  type ProcessListEvent,
  type ProcessStatusData,
  type ResultOf,
} from '../../shared/protocol';
import type { HubApi, Publishable, PublishFailure } from '../hub/hub-api';
import { MethodError, type MethodContext, type MethodHandler, type MethodOptions } from '../hub/methods';
import type { OutputLine } from '../hub/wire-frame';
import { alertsAcross, auditAcross } from './merged-events';
import { readAcross, searchAcross } from './merged-logs';
import { NodeCallError, type NodeNetwork, type NodeRequest, type PeerState } from './node-network';
import { qualifyInfo, qualifyLine, qualifyRun, qualifyStatus, unreachableInfo, unreachableReason } from './qualify';

/** Options of {@link NodeRouter}. */
export interface NodeRouterOptions {
  /** The hub of this node. */
  hub: HubApi;
  network: NodeNetwork;
  /** Clients connected to this node's hub (for the announcements). */
  clients: () => number;
  /** How long a request to another node may take, ms. Default 30,000. */
  callTimeoutMs?: number;
  /** How long `process.list` waits for another node before it shows that node's last announcement, ms. Default 2,000. */
  listTimeoutMs?: number;
  /** An engine that may fall behind (Redis): its backlog pauses the producers too, as a slow client does. Default none. */
  pressure?: EnginePressure;
}

/** What the router needs of an engine's backlog. */
export interface EnginePressure {
  backlogged(): boolean;
  /** Call `listener` once when producers may go on. */
  onRelief(listener: () => void): void;
}

/** Methods besides `process.*` that a node answers for another (they read its store or its lists). */
const ACROSS = new Set(['logs.read', 'logs.search', 'alerts.list', 'audit.list']);
const LIVE = new Set(['starting', 'running', 'waiting', 'restarting', 'stopping']);

/** See the file comment. */
export class NodeRouter {
  /** The qualifying hub: give this to the supervisor, the store and the alerts instead of the hub. */
  readonly api: HubApi;
  readonly node: string;
  private readonly hub: HubApi;
  private readonly network: NodeNetwork;
  private readonly local = new Map<string, MethodHandler>();
  private own: ProcessInfo[] = [];
  private heardList = false;
  private lastListJson = '';
  private readonly callTimeoutMs: number;
  private readonly listTimeoutMs: number;

  constructor(private readonly options: NodeRouterOptions) {
    this.hub = options.hub;
    this.network = options.network;
    this.node = options.network.self;
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.listTimeoutMs = options.listTimeoutMs ?? 2000;
    this.api = this.wrap();
    this.network.onChange(() => this.publishList());
    this.network.onGone((peer, announce) => {
      if (announce) this.announceGone(peer);
    });
  }

  /** Join the other nodes (after the hub's engine is up). */
  async start(): Promise<void> {
    await this.network.start(() => ({ processes: this.own, clients: this.options.clients() }), (request) => this.serve(request));
    this.publishList();
  }

  /** This node and every other, for the statistics (`hub.stats`, the hub panel). */
  nodes(): NodeInfo[] {
    const self: NodeInfo = { name: this.node, up: true, clients: this.options.clients(), processes: this.own.length, seenAt: new Date().toISOString(), self: true };
    const peers = this.network.peers().map((p) => ({ name: p.name, up: p.up, clients: p.clients, processes: p.processes.length, seenAt: p.seenAt, self: false }));
    return [self, ...peers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Leave the other nodes. */
  close(): Promise<void> {
    return this.network.close();
  }

  // ---- out: what the supervisor publishes ----

  private wrap(): HubApi {
    const { hub, node } = this;
    const q = (id: string): string => qualifyProcessId(id, node);
    const wrapped: Partial<Record<keyof HubApi, unknown>> = {
      publishOutput: (id: string, lines: readonly OutputLine[]) => hub.publishOutput(q(id), lines),
      publishTerminal: (id: string, data: string, time: string) => hub.publishTerminal(q(id), data, time),
      publishStatus: (id: string, data: ProcessStatusData) => hub.publishStatus(q(id), qualifyStatus(data, node)),
      publishEvent: (channel: string, data: unknown) => {
        if (channel === PROCESSES_CHANNEL) return this.ownListChanged(data);
        // Alerts come qualified from the alert engine (its `node`), the one place every delivery reads.
        hub.publishEvent(qualifyChannel(channel, node), data);
      },
      publish: (channel: string, message: Publishable) => {
        const qualified = qualifyChannel(channel, node);
        if (qualified === channel) return hub.publish(channel, message);
        return hub.publish(qualified, message.processId === undefined ? message : { ...message, processId: q(message.processId) });
      },
      onPublishFailure: (listener: (failure: PublishFailure) => void) =>
        hub.onPublishFailure((failure) => {
          if (!failure.channel.startsWith(PROCESS_CHANNEL_PREFIX)) return listener(failure);
          const ref = parseProcessRef(failure.channel.slice(PROCESS_CHANNEL_PREFIX.length));
          if (ref?.node === node) listener({ ...failure, channel: PROCESS_CHANNEL_PREFIX + ref.id });
        }),
      setProcessLookup: (exists: (id: string) => boolean) =>
        hub.setProcessLookup((ref) => {
          const parsed = parseProcessRef(ref);
          if (!parsed?.node) return false;
          if (parsed.node === node) return exists(parsed.id);
          return this.network.peers().some((p) => p.name === parsed.node && p.processes.some((info) => info.id === ref));
        }),
      registerMethod: (name: string, handler: MethodHandler, options?: MethodOptions) => this.register(name, handler, options),
      isCongested: () => hub.isCongested() || this.options.pressure?.backlogged() === true,
      onDrain: (listener: () => void) => this.whenDrained(listener),
    };
    // Every other member (present or added later) is the hub's own.
    return new Proxy(hub, {
      get(target, prop) {
        if (Object.prototype.hasOwnProperty.call(wrapped, prop)) return wrapped[prop as keyof HubApi];
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  // Once neither a slow client nor the engine's backlog holds the producers.
  private whenDrained(listener: () => void): void {
    const pressure = this.options.pressure;
    this.hub.onDrain(() => {
      if (this.hub.isCongested()) return this.whenDrained(listener);
      if (pressure?.backlogged()) return pressure.onRelief(() => this.whenDrained(listener));
      listener();
    });
  }

  private ownListChanged(data: unknown): void {
    const list = (data as Partial<ProcessListEvent> | null)?.processes;
    if (!Array.isArray(list)) return;
    this.own = list.map((info) => qualifyInfo(info, this.node));
    if (!this.heardList) {
      this.heardList = true;
      this.resyncStatuses();
    }
    this.network.changed();
    this.publishList();
  }

  // A node that comes back tells the statuses its supervisor will not announce (a process that is
  // not started at launch), so that no channel keeps the `unreachable` of the node's last life.
  private resyncStatuses(): void {
    for (const info of this.own) {
      if (LIVE.has(info.status)) continue;
      const data: ProcessStatusData = { status: info.status };
      if (info.exitCode !== undefined) data.exitCode = info.exitCode;
      if (info.signal !== undefined) data.signal = info.signal;
      if (info.reason !== undefined) data.reason = info.reason;
      this.hub.publishStatus(info.id, data);
    }
  }

  private composeList(): ProcessInfo[] {
    const peers = this.network.peers().map((p) => ({ name: p.name, list: p.up ? p.processes : p.processes.map((info) => unreachableInfo(info, p.name, p.seenAt)) }));
    return [{ name: this.node, list: this.own }, ...peers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).flatMap((n) => n.list);
  }

  private publishList(): void {
    if (!this.heardList) return; // the supervisor's first list starts it
    const processes = this.composeList();
    const json = JSON.stringify(processes);
    if (json === this.lastListJson) return;
    this.lastListJson = json;
    this.hub.publishEvent(PROCESSES_CHANNEL, { kind: 'list', processes });
  }

  // One node per departure tells each process channel of the gone node.
  private announceGone(peer: PeerState): void {
    const reason = unreachableReason(peer.name, peer.seenAt);
    for (const info of peer.processes) this.hub.publishStatus(info.id, { status: 'unreachable', reason });
  }

  // ---- in: methods ----

  private register(name: string, handler: MethodHandler, options?: MethodOptions): void {
    this.local.set(name, handler);
    const front: MethodHandler = (params, ctx) => this.route(name, params, ctx);
    const registrar = this.hub.registerMethod as (n: string, h: MethodHandler, o?: MethodOptions) => void;
    if (options === undefined) registrar.call(this.hub, name, front);
    else registrar.call(this.hub, name, front, options);
  }

  // What the hub's registry calls (role and params already checked).
  private route(name: string, params: unknown, ctx: MethodContext): unknown {
    if (name === 'process.list') return this.listEverywhere(ctx);
    if (name === 'logs.read') return readAcross(params as never, this.everyNode(), (node, p) => this.onNode(node, name, p, ctx) as Promise<LogsReadResult>);
    if (name === 'logs.search') return searchAcross(params as never, this.everyNode(), (node, p) => this.onNode(node, name, p, ctx) as Promise<LogsSearchResult>);
    if (name === 'alerts.list') return alertsAcross(this.everyNode(), (node) => this.onNode(node, name, params, ctx) as Promise<ResultOf<'alerts.list'>>);
    if (name === 'audit.list') return auditAcross(this.everyNode(), (node) => this.onNode(node, name, params, ctx) as Promise<ResultOf<'audit.list'>>);
    const id = (params as { id?: unknown } | null)?.id;
    if (!name.startsWith('process.') || typeof id !== 'string') return this.runLocal(name, params, ctx);
    const ref = parseProcessRef(id);
    if (!ref?.node) {
      // A new process without a node is added here; any other bare id is a mistake worth naming.
      if (name === 'process.add' && ref) return this.runLocal(name, params, ctx);
      throw new MethodError('not_found', `no process "${id.slice(0, 100)}": on a shared engine process ids are qualified, e.g. "${id.slice(0, 100)}@${this.node}"`);
    }
    const bare = { ...(params as object), id: ref.id };
    return ref.node === this.node ? this.runLocal(name, bare, ctx) : this.onNode(ref.node, name, bare, ctx);
  }

  private everyNode(): string[] {
    return [this.node, ...this.network.peers().filter((p) => p.up).map((p) => p.name)];
  }

  // Run a method on a node with bare ids; the answer is qualified by the node that ran it.
  private async onNode(node: string, method: string, params: unknown, ctx: MethodContext, timeoutMs = this.callTimeoutMs): Promise<unknown> {
    if (node === this.node) return this.runLocal(method, params, ctx);
    const peer = this.network.peers().find((p) => p.name === node);
    if (!peer) throw new MethodError('not_found', `no node "${node.slice(0, 100)}"`);
    if (!peer.up) throw new MethodError('unavailable', `node ${node} is unreachable (last heartbeat ${peer.seenAt})`);
    try {
      return await this.network.call(node, { method, params, caller: { clientId: ctx.clientId, userId: ctx.userId, role: ctx.role } }, timeoutMs);
    } catch (err) {
      if (err instanceof NodeCallError) throw new MethodError(err.code, err.message);
      throw err;
    }
  }

  private async listEverywhere(ctx: MethodContext): Promise<ProcessInfo[]> {
    const lists = await Promise.all(
      [this.node, ...this.network.peers().map((p) => p.name)].map(async (node) => {
        if (node === this.node) return { node, list: (await this.runLocal('process.list', undefined, ctx)) as ProcessInfo[] };
        const peer = this.network.peers().find((p) => p.name === node) as PeerState;
        const last = (): ProcessInfo[] => (peer.up ? peer.processes : peer.processes.map((info) => unreachableInfo(info, node, peer.seenAt)));
        if (!peer.up) return { node, list: last() };
        try {
          return { node, list: (await this.onNode(node, 'process.list', undefined, ctx, this.listTimeoutMs)) as ProcessInfo[] };
        } catch {
          return { node, list: last() };
        }
      }),
    );
    return lists.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0)).flatMap((l) => l.list);
  }

  // This node's handler, and its answer in qualified form; synchronous when the handler is, so that
  // the response keeps its place among the caller's messages.
  private runLocal(method: string, params: unknown, ctx: MethodContext): unknown {
    const handler = this.local.get(method);
    if (!handler) throw new MethodError('unknown_method', `node ${this.node} has no method "${method.slice(0, 100)}"`);
    const result = handler(params, ctx);
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') return Promise.resolve(result).then((r) => this.qualifyResult(method, r));
    return this.qualifyResult(method, result);
  }

  private qualifyResult(method: string, result: unknown): unknown {
    const node = this.node;
    if (method === 'process.list' && Array.isArray(result)) return (result as ProcessInfo[]).map((info) => qualifyInfo(info, node));
    if (method === 'logs.read') {
      const r = result as LogsReadResult;
      return { ...r, lines: r.lines.map((l) => qualifyLine(l, node)), ...(r.runs ? { runs: r.runs.map((run) => qualifyRun(run, node)) } : {}) };
    }
    if (method === 'logs.search') {
      const r = result as LogsSearchResult;
      return { ...r, matches: r.matches.map((l) => qualifyLine(l, node)) };
    }
    if (method.startsWith('process.') && result && typeof result === 'object' && typeof (result as { id?: unknown }).id === 'string') {
      const r = result as { id: string; status?: unknown };
      // A ProcessInfo (start, stop, restart, add) or `{id, removed}`.
      return typeof r.status === 'string' ? qualifyInfo(result as ProcessInfo, node) : { ...r, id: qualifyProcessId(r.id, node) };
    }
    return result;
  }

  // A request from another node: the method must be one this node registered, about processes,
  // logs, alerts or the audit; its params and the caller's role are checked again here (Redis is the only way in, but
  // this node decides what runs on it).
  private async serve(request: NodeRequest): Promise<unknown> {
    const { method, params, caller } = request;
    if (!(method.startsWith('process.') || ACROSS.has(method)) || !this.local.has(method)) {
      throw new NodeCallError('unknown_method', `node ${this.node} does not run "${method.slice(0, 100)}" for other nodes`);
    }
    let checked = params;
    if (isMethodName(method)) {
      const spec = METHODS[method];
      if (spec.role === 'operator' && caller.role !== 'operator') throw new NodeCallError('forbidden', `method "${method}" is for operators only`);
      const parsed = spec.params.safeParse(params);
      if (!parsed.success) throw new NodeCallError('bad_params', `${method}: ${parsed.error.issues[0]?.message ?? 'invalid params'}`);
      checked = parsed.data;
    }
    try {
      return await this.runLocal(method, checked, { clientId: caller.clientId, userId: caller.userId, role: caller.role });
    } catch (err) {
      if (err instanceof MethodError) throw new NodeCallError(err.code, err.message);
      throw err;
    }
  }
}

// `process:<id>` of this node's process (a terminal event, a message of the supervisor's own).
function qualifyChannel(channel: string, node: string): string {
  if (!channel.startsWith(PROCESS_CHANNEL_PREFIX)) return channel;
  const ref = parseProcessRef(channel.slice(PROCESS_CHANNEL_PREFIX.length));
  return ref && !ref.node ? PROCESS_CHANNEL_PREFIX + qualifyProcessId(ref.id, node) : channel;
}
