/**
 * The nodes of one Redis (node-network.ts over Redis). Each node, every heartbeat: adds its name to
 * the node set, renews its `alive` key (a TTL of a few heartbeats, so that a node killed outright
 * is gone within it, whatever the clocks say), writes its record (clients, a version that changes
 * with its process list, and the list itself when it changed), and reads the others'. A change of
 * its list is announced at once on a pub/sub channel. Requests to a node travel on its pub/sub
 * channel and are answered on the caller's: PUBLISH says how many received a request, so a node
 * that is not listening is `unavailable` at once; one that dies during a request is `unavailable`
 * when its heartbeat lapses; one that does not answer is a `timeout`.
 *
 * Redis is the trust boundary: whoever may write to it may control every node (use a password,
 * TLS, and a Redis no one else uses). What comes from it is still parsed defensively.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodeSchema, isValidNodeName, RoleSchema, type ProcessInfo } from '../../../shared/protocol';
import { NodeCallError, type NodeNetwork, type NodeRequest, type PeerState, type SelfState } from '../../nodes/node-network';
import type { RedisLink } from './redis-link';

/** Options of {@link RedisNodes}. */
export interface RedisNodesOptions {
  link: RedisLink;
  /** This node's name. */
  node: string;
  /** Interval of the heartbeat, ms. Default 1,000. */
  heartbeatMs?: number;
  /** A node whose heartbeat is older than this is gone, ms. Default 3 heartbeats. */
  aliveTtlMs?: number;
  /** A node gone for this long is forgotten (its processes leave the list), ms. Default 24 hours. */
  forgetAfterMs?: number;
}

interface NodeRecordInfo {
  incarnation: string;
  clients: number;
  version: number;
  seenAt: string;
}

interface Peer {
  state: PeerState;
  incarnation: string;
  /** `incarnation:version` of the list held. */
  listOf: string;
  /** The incarnation whose departure this node has handled. */
  goneHandled: string | undefined;
  /** Since when the node set lacks it (Redis restarted): kept as it was for a while. */
  missingSince: number | undefined;
}

interface Pending {
  node: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** Largest request or response accepted from Redis. */
const MAX_MESSAGE = 16 * 1024 * 1024;
/** The process list is written at least every this many heartbeats (it may have been lost with a Redis restart). */
const REWRITE_EVERY = 10;
/** A name missing from the node set for this long is dropped. */
const MISSING_GRACE_MS = 10_000;

/** See the file comment. */
export class RedisNodes implements NodeNetwork {
  readonly self: string;
  private readonly link: RedisLink;
  private readonly incarnation = randomBytes(6).toString('base64url');
  private readonly heartbeatMs: number;
  private readonly aliveTtlMs: number;
  private readonly forgetAfterMs: number;
  private readonly peerMap = new Map<string, Peer>();
  private readonly pending = new Map<string, Pending>();
  private readonly changeListeners: (() => void)[] = [];
  private readonly goneListeners: ((peer: PeerState, announce: boolean) => void)[] = [];
  private state: () => SelfState = () => ({ processes: [], clients: 0 });
  private serveRequest: (request: NodeRequest) => Promise<unknown> = () => Promise.reject(new NodeCallError('unavailable', 'not started'));
  private timer: NodeJS.Timeout | undefined;
  private version = 0;
  private lastListJson = '';
  private beats = 0;
  private beating: Promise<void> | undefined;
  private again = false;
  private forceList = true;
  private closed = false;

  constructor(options: RedisNodesOptions) {
    if (!isValidNodeName(options.node)) throw new TypeError(`node name "${String(options.node).slice(0, 80)}" must be 1 to 63 of A-Z a-z 0-9 _ . - starting with a letter or digit`);
    this.link = options.link;
    this.self = options.node;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.aliveTtlMs = options.aliveTtlMs ?? 3 * this.heartbeatMs;
    this.forgetAfterMs = options.forgetAfterMs ?? 24 * 3600 * 1000;
  }

  async start(state: () => SelfState, serve: (request: NodeRequest) => Promise<unknown>): Promise<void> {
    this.state = state;
    this.serveRequest = serve;
    const keys = this.link.keys;
    await this.link.listen(keys.rpc(this.self), (m) => this.onRequest(m));
    await this.link.listen(keys.rpcReply(this.self), (m) => this.onReply(m));
    await this.link.listen(keys.nodesChanged(), (m) => this.onAnnounced(m.toString()));
    this.link.onReconnect(() => {
      this.forceList = true;
      this.changed();
    });
    await this.claimName();
    await this.beat();
    this.timer = setInterval(() => void this.beatOnce(), this.heartbeatMs);
    this.timer.unref();
  }

  peers(): PeerState[] {
    return [...this.peerMap.values()].map((p) => p.state).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  changed(): void {
    void this.beatOnce(true);
  }

  call(node: string, request: NodeRequest, timeoutMs = 30_000): Promise<unknown> {
    if (this.closed) return Promise.reject(new NodeCallError('unavailable', 'this node is leaving'));
    const id = randomBytes(12).toString('base64url');
    const body = JSON.stringify({ id, from: this.self, method: request.method, params: request.params ?? null, caller: request.caller });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NodeCallError('timeout', `node ${node} did not answer "${request.method}" within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { node, resolve, reject, timer });
      this.link.command.publish(this.link.keys.rpc(node), body).then(
        (receivers) => {
          if (receivers === 0) this.settle(id, new NodeCallError('unavailable', `node ${node} is not connected to the engine`));
        },
        (err: Error) => this.settle(id, new NodeCallError('unavailable', `the request to node ${node} could not be sent: ${this.link.failure(err)}`)),
      );
    });
  }

  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  onGone(listener: (peer: PeerState, announce: boolean) => void): void {
    this.goneListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.beating?.catch(() => {});
    for (const id of [...this.pending.keys()]) this.settle(id, new NodeCallError('unavailable', 'this node is leaving'));
    const keys = this.link.keys;
    if (this.link.commandsUp()) {
      // Gone at once for the others, rather than when the heartbeat lapses.
      await this.link.command.del(keys.alive(this.self)).catch(() => {});
      await this.link.command.publish(keys.nodesChanged(), this.self).catch(() => {});
    }
    for (const name of [keys.rpc(this.self), keys.rpcReply(this.self), keys.nodesChanged()]) await this.link.unlisten(name).catch(() => {});
  }

  // Two nodes may not share a name. A node that was killed a moment ago still holds it until its
  // heartbeat lapses: wait that long once, then refuse if someone renewed it.
  private async claimName(): Promise<void> {
    const key = this.link.keys.alive(this.self);
    const ttl = await this.link.command.pttl(key);
    if (ttl < 0) return;
    await new Promise((r) => setTimeout(r, Math.min(ttl, this.aliveTtlMs) + 50));
    if ((await this.link.command.pttl(key)) >= 0) {
      throw new Error(`another Switchyard runs as node "${this.self}" on this Redis; give this one another name with --node NAME`);
    }
  }

  // ---- heartbeat ----

  // One beat at a time; a change during a beat runs one more right after.
  private beatOnce(announce = false): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.beating) {
      this.again = true;
      return this.beating;
    }
    this.beating = this.beat(announce)
      .catch(() => {}) // Redis is down: the engine's health says so; the next beat tries again
      .finally(() => {
        this.beating = undefined;
        if (this.again && !this.closed) {
          this.again = false;
          void this.beatOnce(true);
        }
      });
    return this.beating;
  }

  private async beat(announce = false): Promise<void> {
    if (!this.link.commandsUp()) return;
    const keys = this.link.keys;
    const { processes, clients } = this.state();
    const listJson = JSON.stringify(processes);
    const listChanged = listJson !== this.lastListJson;
    if (listChanged) this.version++;
    const info: NodeRecordInfo = { incarnation: this.incarnation, clients, version: this.version, seenAt: new Date().toISOString() };
    // Taken now, not cleared after the write: a reconnect while this beat is on its way (a Redis
    // restarted empty) asks again, and the next beat must write the list then.
    const force = this.forceList;
    this.forceList = false;
    const write = listChanged || force || ++this.beats % REWRITE_EVERY === 0;
    const tx = this.link.command.multi();
    tx.sadd(keys.nodes(), this.self);
    tx.set(keys.alive(this.self), this.incarnation, 'PX', this.aliveTtlMs);
    if (write) tx.hset(keys.node(this.self), 'info', JSON.stringify(info), 'processes', listJson);
    else tx.hset(keys.node(this.self), 'info', JSON.stringify(info));
    if (listChanged || announce) tx.publish(keys.nodesChanged(), this.self);
    tx.smembers(keys.nodes());
    let replies;
    try {
      replies = await tx.exec();
    } finally {
      if (!replies) this.forceList ||= force;
    }
    if (!replies) return;
    this.lastListJson = listJson;
    const members = (replies[replies.length - 1]?.[1] as string[] | undefined) ?? [];
    await this.refresh(members.filter((n) => n !== this.self && isValidNodeName(n)));
  }

  // Read the others' records; fetch a list only when its version moved.
  private async refresh(names: string[]): Promise<void> {
    const keys = this.link.keys;
    const now = Date.now();
    let changed = false;
    const listed = new Set(names);
    for (const [name, peer] of this.peerMap) {
      if (listed.has(name)) continue;
      peer.missingSince ??= now;
      if (now - peer.missingSince > MISSING_GRACE_MS) {
        this.peerMap.delete(name);
        changed = true;
      }
    }
    if (names.length > 0) {
      const read = this.link.command.pipeline();
      for (const name of names) read.hget(keys.node(name), 'info').get(keys.alive(name));
      const replies = (await read.exec()) ?? [];
      const stale: string[] = [];
      names.forEach((name, i) => {
        const info = parseInfo(replies[2 * i]?.[1]);
        if (!info) return; // announced but not yet written (or lost with a restarted Redis)
        const alive = replies[2 * i + 1]?.[1];
        const up = typeof alive === 'string' && alive === info.incarnation;
        if (this.update(name, info, up)) changed = true;
        if ((this.peerMap.get(name) as Peer).listOf !== `${info.incarnation}:${info.version}`) stale.push(name);
      });
      for (const name of stale) if (await this.fetchList(name)) changed = true;
      for (const name of names) {
        const peer = this.peerMap.get(name);
        if (peer && !peer.state.up && now - Date.parse(peer.state.seenAt) > this.forgetAfterMs) {
          this.peerMap.delete(name);
          await this.link.command.multi().srem(keys.nodes(), name).del(keys.node(name)).exec();
          changed = true;
        }
      }
    }
    if (changed) for (const listener of this.changeListeners) listener();
  }

  // Apply a record; true when something the others show changed.
  private update(name: string, info: NodeRecordInfo, up: boolean): boolean {
    let peer = this.peerMap.get(name);
    if (!peer) {
      peer = { state: { name, up, processes: [], clients: info.clients, seenAt: info.seenAt }, incarnation: info.incarnation, listOf: '', goneHandled: undefined, missingSince: undefined };
      this.peerMap.set(name, peer);
      if (!up) void this.departed(peer);
      return true;
    }
    peer.missingSince = undefined;
    const was = peer.state.up;
    const changed = was !== up || peer.state.clients !== info.clients || peer.incarnation !== info.incarnation;
    peer.state = { ...peer.state, up, clients: info.clients, seenAt: info.seenAt };
    peer.incarnation = info.incarnation;
    if (!was && up) peer.goneHandled = undefined; // back (its heartbeat had lapsed): its next departure is announced too
    if (was && !up) {
      for (const [id, p] of this.pending) if (p.node === name) this.settle(id, new NodeCallError('unavailable', `node ${name} is gone (no heartbeat since ${info.seenAt})`));
      void this.departed(peer);
    }
    return changed;
  }

  private async fetchList(name: string): Promise<boolean> {
    const peer = this.peerMap.get(name);
    if (!peer) return false;
    const [json, infoJson] = await this.link.command.hmget(this.link.keys.node(name), 'processes', 'info');
    const info = parseInfo(infoJson);
    const list = parseList(json);
    if (!info || !list) return false;
    peer.listOf = `${info.incarnation}:${info.version}`;
    peer.state = { ...peer.state, processes: list };
    return true;
  }

  // One node per departure announces it (SET NX), so statuses are published once. A departure is
  // an incarnation's last heartbeat: every node reads the same one; a lapse it came back from is another.
  private async departed(peer: Peer): Promise<void> {
    if (peer.goneHandled === peer.incarnation) return;
    peer.goneHandled = peer.incarnation;
    const key = this.link.keys.gone(peer.state.name, `${peer.incarnation}:${peer.state.seenAt}`);
    const announce = await this.link.command.set(key, this.self, 'PX', this.forgetAfterMs, 'NX').then((r) => r === 'OK', () => false);
    // The list may not be known yet on a node that just started: wait for it, once.
    if (peer.state.processes.length === 0) await this.fetchList(peer.state.name).catch(() => false);
    for (const listener of this.goneListeners) listener(peer.state, announce);
  }

  private onAnnounced(name: string): void {
    if (name === this.self || !isValidNodeName(name) || this.closed) return;
    void this.refresh([name, ...[...this.peerMap.keys()].filter((n) => n !== name)]).catch(() => {});
  }

  // ---- requests ----

  private onRequest(message: Buffer): void {
    if (message.length > MAX_MESSAGE) return;
    const request = parseRequest(message.toString());
    if (!request) return;
    const reply = (body: object) => {
      this.link.command.publish(this.link.keys.rpcReply(request.from), JSON.stringify({ id: request.id, ...body })).catch(() => {});
    };
    this.serveRequest({ method: request.method, params: request.params, caller: request.caller }).then(
      (result) => reply({ result: result ?? null }),
      (err: unknown) => reply({ error: err instanceof NodeCallError ? { code: err.code, message: err.message } : { code: 'internal', message: 'internal error' } }),
    );
  }

  private onReply(message: Buffer): void {
    if (message.length > MAX_MESSAGE) return;
    let reply: { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
    try {
      reply = JSON.parse(message.toString()) as typeof reply;
    } catch {
      return;
    }
    if (typeof reply.id !== 'string') return;
    if (reply.error) this.settle(reply.id, new NodeCallError(ErrorCodeSchema.catch('internal').parse(reply.error.code), String(reply.error.message ?? '').slice(0, 1000)));
    else this.settle(reply.id, undefined, reply.result);
  }

  private settle(id: string, err: Error | undefined, value?: unknown): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (err) pending.reject(err);
    else pending.resolve(value);
  }
}

function parseInfo(raw: unknown): NodeRecordInfo | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const info = JSON.parse(raw) as Partial<NodeRecordInfo>;
    if (typeof info.incarnation !== 'string' || typeof info.version !== 'number' || typeof info.seenAt !== 'string') return undefined;
    return { incarnation: info.incarnation, version: info.version, seenAt: info.seenAt, clients: typeof info.clients === 'number' ? info.clients : 0 };
  } catch {
    return undefined;
  }
}

function parseList(raw: unknown): ProcessInfo[] | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? (list.filter((p) => p && typeof p === 'object' && typeof (p as ProcessInfo).id === 'string') as ProcessInfo[]) : undefined;
  } catch {
    return undefined;
  }
}

interface WireRequest {
  id: string;
  from: string;
  method: string;
  params: unknown;
  caller: NodeRequest['caller'];
}

function parseRequest(raw: string): WireRequest | undefined {
  let r: Partial<WireRequest>;
  try {
    r = JSON.parse(raw) as Partial<WireRequest>;
  } catch {
    return undefined;
  }
  const caller = r.caller as Partial<NodeRequest['caller']> | undefined;
  if (typeof r.id !== 'string' || r.id.length > 100 || !isValidNodeName(r.from) || typeof r.method !== 'string' || r.method.length > 100) return undefined;
  if (!caller || typeof caller.clientId !== 'string' || typeof caller.userId !== 'string' || !RoleSchema.safeParse(caller.role).success) return undefined;
  return { id: r.id, from: r.from, method: r.method, params: r.params, caller: { clientId: caller.clientId.slice(0, 200), userId: caller.userId.slice(0, 200), role: caller.role as 'operator' | 'viewer' } };
}
