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
import { ErrorCodeSchema, isValidNodeName } from '../../../shared/protocol';
import { NodeCallError, type NodeNetwork, type NodeRequest, type PeerState, type SelfState } from '../../nodes/node-network';
import type { RedisLink } from './redis-link';
import { parseInfo, parseList, parseRequest, type NodeRecordInfo } from './redis-node-records';

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

interface Peer {
  state: PeerState;
  incarnation: string;
  /** `incarnation:version` of the list held. */
  listOf: string;
  /** The incarnation whose departure this node has handled. */
  goneHandled: string | undefined;
  /** Since when the node set lacks it (a Redis restarted empty): judged up for a grace, then by its `alive` key. */
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
    await this.link.listen(keys.rpc(this.self), (m) => this.onRequest(m), 'nodes');
    await this.link.listen(keys.rpcReply(this.self), (m) => this.onReply(m), 'nodes');
    await this.link.listen(keys.nodesChanged(), (m) => this.onAnnounced(m.toString()), 'nodes');
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
      this.link.control.publish(this.link.keys.rpc(node), body).then(
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
    if (this.link.controlUp()) {
      // Gone at once for the others, rather than when the heartbeat lapses.
      await this.link.control.del(keys.alive(this.self)).catch(() => {});
      await this.link.control.publish(keys.nodesChanged(), this.self).catch(() => {});
    }
    for (const name of [keys.rpc(this.self), keys.rpcReply(this.self), keys.nodesChanged()]) await this.link.unlisten(name, 'nodes').catch(() => {});
  }

  // Two nodes may not share a name. A node that was killed a moment ago still holds it until its
  // heartbeat lapses: wait that long once, then refuse if someone renewed it.
  private async claimName(): Promise<void> {
    const key = this.link.keys.alive(this.self);
    const ttl = await this.link.control.pttl(key);
    if (ttl < 0) return;
    await new Promise((r) => setTimeout(r, Math.min(ttl, this.aliveTtlMs) + 50));
    if ((await this.link.control.pttl(key)) >= 0) {
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
    if (!this.link.controlUp()) return;
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
    const tx = this.link.control.multi();
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

  // Read the others' records; fetch a list only when its version moved. A known node the node set
  // lacks (Redis restarted empty) has two TTLs to write itself again, then its `alive` key and the
  // record held here judge it: one that died meanwhile is unreachable, forgotten by the usual rule.
  private async refresh(names: string[]): Promise<void> {
    const keys = this.link.keys;
    const now = Date.now();
    let changed = false;
    const listed = new Set(names);
    const all = [...names, ...[...this.peerMap.keys()].filter((n) => !listed.has(n))];
    if (all.length > 0) {
      const read = this.link.control.pipeline();
      for (const name of all) read.hget(keys.node(name), 'info').get(keys.alive(name));
      const replies = (await read.exec()) ?? [];
      const stale: string[] = [];
      all.forEach((name, i) => {
        const known = this.peerMap.get(name);
        // A listed name without a record: announced but not yet written, or the set was read from a
        // Redis that restarted before this read. Either way there is nothing to judge by yet.
        const info = parseInfo(replies[2 * i]?.[1]) ?? (listed.has(name) ? undefined : known && { incarnation: known.incarnation, clients: known.state.clients, version: 0, seenAt: known.state.seenAt });
        if (!info) return;
        const alive = replies[2 * i + 1]?.[1];
        let up = typeof alive === 'string' && alive === info.incarnation;
        if (known) known.missingSince = listed.has(name) ? undefined : (known.missingSince ?? now);
        if (!up && known?.state.up && known.missingSince !== undefined && now - known.missingSince < 2 * this.aliveTtlMs) up = true;
        if (this.update(name, info, up)) changed = true;
        if (listed.has(name) && (this.peerMap.get(name) as Peer).listOf !== `${info.incarnation}:${info.version}`) stale.push(name);
      });
      for (const name of stale) if (await this.fetchList(name)) changed = true;
      for (const name of all) {
        const peer = this.peerMap.get(name);
        if (peer && !peer.state.up && now - Date.parse(peer.state.seenAt) > this.forgetAfterMs) {
          this.peerMap.delete(name);
          await this.link.control.multi().srem(keys.nodes(), name).del(keys.node(name)).exec();
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
    const was = peer.state.up;
    const changed = was !== up || peer.state.clients !== info.clients || peer.incarnation !== info.incarnation;
    peer.state = { ...peer.state, up, clients: info.clients, seenAt: info.seenAt };
    peer.incarnation = info.incarnation;
    if (!was && up && peer.goneHandled !== undefined) {
      // Back after it was taken for gone (a partition, a slow reconnect): its next departure is told again.
      void this.link.control.del(this.link.keys.gone(name, peer.goneHandled)).catch(() => {});
      peer.goneHandled = undefined;
    }
    if (was && !up) {
      for (const [id, p] of this.pending) if (p.node === name) this.settle(id, new NodeCallError('unavailable', `node ${name} is gone (no heartbeat since ${info.seenAt})`));
      void this.departed(peer);
    }
    return changed;
  }

  private async fetchList(name: string): Promise<boolean> {
    const peer = this.peerMap.get(name);
    if (!peer) return false;
    const [json, infoJson] = await this.link.control.hmget(this.link.keys.node(name), 'processes', 'info');
    const info = parseInfo(infoJson);
    const list = parseList(json);
    if (!info || !list) return false;
    peer.listOf = `${info.incarnation}:${info.version}`;
    peer.state = { ...peer.state, processes: list };
    return true;
  }

  // One node per departed incarnation announces it (SET NX), so statuses are published once.
  private async departed(peer: Peer): Promise<void> {
    if (peer.goneHandled === peer.incarnation) return;
    peer.goneHandled = peer.incarnation;
    let announce = false;
    try {
      announce = (await this.link.control.set(this.link.keys.gone(peer.state.name, peer.incarnation), this.self, 'PX', this.forgetAfterMs, 'NX')) === 'OK';
    } catch {
      announce = false;
    }
    // The list may not be known yet on a node that just started: wait for it, once.
    if (peer.state.processes.length === 0) await this.fetchList(peer.state.name).catch(() => false);
    if (peer.state.up) {
      // Back meanwhile (a late heartbeat): nothing to tell, and its next departure is told again.
      if (announce) await this.link.control.del(this.link.keys.gone(peer.state.name, peer.incarnation)).catch(() => {});
      return;
    }
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
      this.link.control.publish(this.link.keys.rpcReply(request.from), JSON.stringify({ id: request.id, ...body })).catch(() => {});
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
