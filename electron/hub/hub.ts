/**
 * The WebSocket hub: pub/sub over named channels, the seed's `Hub` (go-ws) on `ws`, runnable in
 * plain Node and in Electron's main process. Nothing starts on construction except state; timers
 * start with the first client and are unref'd.
 *
 * Close codes (see {@link CloseCode}): 1001 hub closing; 1009 inbound frame over `maxPayload`;
 * 1011 the hub failed on the client's message (a bug, counted);
 * 4000 closed by an operator (`hub.disconnect`); 4008 slow consumer (queue past `maxQueueBytes`:
 * reconnect and resubscribe with `since`); 4029 persistent rate-limit abuse. A peer that stops
 * answering pings (`pongTimeoutMs`) or accepting data (`writeTimeoutMs`) is terminated (1006).
 *
 * Upgrades are checked in one place, {@link Hub.handleUpgrade}: Host, then Origin (403), then
 * credentials (401), then capacity (503). Options and their defaults: `hub-options.ts`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { HUB_STATS_CHANNEL, processChannel, type Message, type OutputStream, type ProcessStatusData } from '../../shared/protocol';
import { HubAuth, type AuthResult } from './auth';
import { ClientConnection, type ConnectionLimits, type ConnectionOwner } from './client-connection';
import type { ChannelEngine } from './engine';
import { timestamp } from './clock';
import { InboundRouter } from './inbound';
import { guardRequest, rejectResponse, rejectUpgrade } from './http-guard';
import { CloseCode, resolveLimits, type HubOptions, type ResolvedLimits } from './hub-options';
import { registerHubMethods } from './hub-methods';
import { MemoryEngine } from './memory-engine';
import { MethodRegistry } from './methods';
import { newCounters, RateMeter, type HubCounters, type HubStats } from './stats';
import type { HubApi, MethodHandler, MethodOptions, Publishable } from './types';

export { CloseCode, type HubOptions } from './hub-options';

/** The subprotocol of clients that accept batched frames. */
export const PROTOCOL_V1 = 'switchyard.v1';

/** Where {@link Hub.listen} listens. */
export interface ListenOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
}

/** The hub. See the file comment for close codes and the upgrade checks. */
export class Hub implements HubApi {
  /** Tokens, login tickets and sessions (for the HTTP layer's `/login` and `/api/stats`). */
  readonly auth: HubAuth;
  /** The channel engine (in memory by default). */
  readonly engine: ChannelEngine;
  private readonly limits: ResolvedLimits;
  private readonly connectionLimits: ConnectionLimits;
  private readonly wss: WebSocketServer;
  private readonly clients = new Map<string, ClientConnection>();
  private readonly outputChannels = new Map<string, string>();
  private readonly methods: MethodRegistry;
  private readonly counters: HubCounters = newCounters();
  private readonly rates = new RateMeter();
  private readonly owner: ConnectionOwner;
  private readonly inbound: InboundRouter;
  private readonly idPrefix = randomBytes(3).toString('hex');
  private nextId = 0;
  private totalQueued = 0;
  private congested = false;
  /** Clients past half their queue bound: producers wait for them (client-connection.ts). */
  private readonly pressured = new Set<ClientConnection>();
  private drainListeners: (() => void)[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private server: Server | undefined;
  private closing: Promise<void> | undefined;
  private lastPort: number | undefined;

  constructor(private readonly options: HubOptions = {}) {
    this.limits = resolveLimits(options);
    const { maxQueueBytes, socketHighWaterBytes, maxBatchBytes, writeTimeoutMs } = this.limits;
    this.connectionLimits = { maxQueueBytes, socketHighWaterBytes, maxBatchBytes, writeTimeoutMs };
    this.auth = new HubAuth({ tokens: options.tokens });
    this.engine =
      options.engine ??
      new MemoryEngine({
        retention: options.retention,
        maxChannels: options.maxChannels,
        retentionFor: (channel) => (channel === HUB_STATS_CHANNEL ? { maxMessages: 1 } : undefined),
      });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxPayload,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has(PROTOCOL_V1) ? PROTOCOL_V1 : false),
    });
    this.methods = new MethodRegistry(options.onMethodError, options.onMethodCall);
    this.owner = {
      queued: (delta) => this.queued(delta),
      slowConsumer: (client) => this.drop(client, CloseCode.slowConsumer, 'slow consumer', 'slowConsumers'),
      writeTimeout: (client) => this.kill(client, 'writeTimeouts'),
      pressure: (client, on) => {
        if (on) this.pressured.add(client);
        else this.pressured.delete(client);
        this.updateCongestion();
      },
    };
    this.inbound = new InboundRouter({
      engine: this.engine,
      counters: this.counters,
      methods: this.methods,
      limits: this.limits,
      publishMessage: (channel, message) => this.publishMessage(channel, message),
      drop: (client, code, reason, counter) => this.drop(client, code, reason, counter),
      subscribed: (channel) => {
        if (channel === HUB_STATS_CHANNEL) this.statsTimer ??= setInterval(this.publishStats, this.limits.statsIntervalMs).unref();
      },
    });
    registerHubMethods(this, this.methods, {
      loginUrlBase: options.loginUrlBase ?? (() => `http://127.0.0.1:${this.server ? this.port : (this.lastPort ?? 0)}/login?ticket=`),
    });
  }

  /** Listen on a new HTTP server that routes `/ws` upgrades here and answers `/healthz` (tests, tools). */
  async listen({ host = '127.0.0.1', port = 0 }: ListenOptions = {}): Promise<{ port: number; url: string }> {
    if (this.server) throw new Error('the hub is already listening');
    if (this.closing) throw new Error('the hub is closed');
    // Slow-loris: a request or handshake must be complete within 10 s (Node's defaults: 60 s, checked every 30 s).
    const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 }, (req, res) => {
      if (guardRequest(req, this.guardOptions())) return rejectResponse(res, 403);
      if (req.url === '/healthz') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      rejectResponse(res, 404);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if ((req.url ?? '').split('?')[0] !== '/ws') return rejectUpgrade(socket, 404);
      this.handleUpgrade(req, socket, head);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const hostInUrl = host.includes(':') ? `[${host}]` : host;
    return { port: this.port, url: `ws://${hostInUrl}:${this.port}/ws` };
  }

  /** The port {@link listen} bound, or 0. */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  /**
   * Take an HTTP upgrade (from any `http.Server`'s `upgrade` event): Host and Origin checks
   * (403), credentials (401), capacity (503), then the WebSocket handshake.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', destroySocket); // a reset during the handshake is not ours to report
    if (this.closing) return rejectUpgrade(socket, 503);
    const guard = guardRequest(req, this.guardOptions());
    if (guard) {
      this.counters[guard === 'host' ? 'hostRejected' : 'originRejected']++;
      return rejectUpgrade(socket, 403);
    }
    const result = this.authenticate(req);
    if (!result.valid) {
      this.counters.authFailures++;
      this.options.onAuthFailure?.(req, result);
      return rejectUpgrade(socket, 401);
    }
    if (this.clients.size >= this.limits.maxClients) {
      this.counters.capacityRejected++;
      return rejectUpgrade(socket, 503);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, result));
  }

  /** Close every client with 1001 and release everything; safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ---- publishing (HubApi and the seed's helpers) ----

  /** Publish to a channel: numbered, retained, delivered to its subscribers; returns the `seq`. */
  publish(channel: string, message: Publishable): number {
    return this.publishMessage(channel, { ...message, channel, timestamp: timestamp() } as Message);
  }

  /** The seed's SendToChannel: same as {@link publish}. */
  sendToChannel(channel: string, message: Publishable): number {
    return this.publish(channel, message);
  }

  /** One line of process output into `process:<id>`. */
  sendProcessOutput(processId: string, line: string, stream: OutputStream = 'stdout'): number {
    const channel = this.outputChannel(processId);
    // `seq` is declared here (the engine sets it) so that the object never changes shape on the
    // hot path; it stays the last key, as the engine's encoder expects.
    return this.publishMessage(channel, { type: 'process_output', channel, processId, data: line, stream, timestamp: timestamp(), seq: 0 });
  }

  /** A status change into `process:<id>`. */
  sendProcessStatus(processId: string, data: ProcessStatusData): number {
    const channel = processChannel(processId);
    return this.publishMessage(channel, { type: 'process_status', channel, processId, data, timestamp: timestamp() });
  }

  /** Send to every connected client, subscribed or not (not numbered, not retained); returns the number of clients. */
  broadcast(message: Publishable): number {
    const data = Buffer.from(JSON.stringify({ ...message, timestamp: timestamp() }));
    for (const client of this.clients.values()) client.sendEncoded(data);
    return this.clients.size;
  }

  /** The seed's SendError: an `error` to every client. */
  sendError(message: string): number {
    return this.broadcast({ type: 'error', data: message });
  }

  /** The seed's SendEvent: `{"type":"event","data":{"event","data"}}` to every client. */
  sendEvent(event: string, data?: unknown): number {
    return this.broadcast({ type: 'event', data: { event, data } });
  }

  /** Register a request method (`process.start`, ...); a name twice throws. */
  registerMethod(name: string, handler: MethodHandler, options?: MethodOptions): void {
    this.methods.register(name, handler, options);
  }

  /** Whether the bytes queued for all clients passed `congestionHighWaterBytes`. */
  isCongested(): boolean {
    return this.congested;
  }

  /** Call `listener` once when the hub is no longer congested (soon, if it is not now). */
  onDrain(listener: () => void): void {
    if (this.congested) this.drainListeners.push(listener);
    else setImmediate(listener);
  }

  // ---- read-only queries ----

  /** Connected clients. */
  clientCount(): number {
    return this.clients.size;
  }

  /** Channels with subscribers or retained history. */
  channelCount(): number {
    return this.engine.channelCount();
  }

  /** Subscribers of one channel. */
  channelSubscriberCount(channel: string): number {
    return this.engine.subscriberCount(channel);
  }

  /** One connected client, by id. */
  client(id: string): ClientConnection | undefined {
    return this.clients.get(id);
  }

  /** A statistics snapshot (CONTRACT.md "Statistics"). */
  stats(): HubStats {
    const channelList = this.rates.measure(this.engine.channels());
    return {
      clients: this.clients.size,
      channels: channelList.length,
      queuedBytes: this.totalQueued,
      clientList: Array.from(this.clients.values(), (c) => ({
        id: c.id,
        userId: c.userId,
        role: c.role,
        remote: c.remote,
        connectedAt: c.connectedAt,
        subscriptions: [...c.subscriptions],
        sent: c.sent,
        dropped: c.dropped,
        queuedBytes: c.queuedBytes,
      })),
      channelList,
      counters: { ...this.counters, channelsEvicted: this.engine.counters().channelsEvicted },
    };
  }

  /** Close one client with a code; false when there is no such client. */
  disconnect(clientId: string, code: number = CloseCode.byOperator, reason = 'closed by an operator'): boolean {
    const client = this.clients.get(clientId);
    if (!client) return false;
    this.drop(client, code, reason, code === CloseCode.byOperator ? 'operatorDisconnects' : undefined);
    return true;
  }

  // ---- connections ----

  private guardOptions() {
    const { port, allowedHosts, allowedOrigins } = this.options;
    return { port, allowedHosts, allowedOrigins };
  }

  private authenticate(req: IncomingMessage): AuthResult {
    const own = this.auth.check(req);
    if (own.valid || !this.options.authenticator) return own;
    const other = this.options.authenticator.authenticate(req);
    return other.valid ? { ...other, role: other.role ?? 'viewer' } : own;
  }

  private accept(ws: WebSocket, req: IncomingMessage, auth: AuthResult): void {
    if (this.closing) return void ws.terminate();
    this.lastPort = req.socket.localPort;
    const id = `${this.idPrefix}-${++this.nextId}`;
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const identity = { userId: auth.userId ?? 'anonymous', role: auth.role ?? 'viewer', claims: auth.claims ?? {}, remote };
    const client = new ClientConnection(ws, id, identity, this.connectionLimits, this.owner, this.options.rateLimit);
    this.clients.set(id, client);
    this.counters.connections++;
    ws.on('message', (data, isBinary) => {
      try {
        this.inbound.receive(client, data as Buffer, isBinary);
      } catch (err) {
        // A bug must cost one connection, not the process (an exception here would be uncaught).
        this.options.onMethodError?.('(receive)', err);
        this.drop(client, CloseCode.internalError, 'internal error', 'internalErrors');
      }
    });
    ws.on('pong', () => (client.lastSeen = performance.now()));
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.counters.oversize++;
    });
    ws.on('close', () => {
      client.closedBySocket();
      this.unregister(client);
    });
    this.heartbeat ??= setInterval(this.beat, this.limits.heartbeatIntervalMs).unref();
    this.options.onConnect?.(client);
  }

  private readonly beat = (): void => {
    const now = performance.now();
    for (const client of this.clients.values()) {
      if (now - client.lastSeen > this.limits.pongTimeoutMs) this.kill(client, 'pongTimeouts');
      else client.ws.ping();
    }
  };

  // One line of output is one call: the channel name is built once per process, not per line
  // (a fresh string would be flattened and hashed again for every lookup).
  private outputChannel(processId: string): string {
    let channel = this.outputChannels.get(processId);
    if (channel === undefined) {
      if (this.outputChannels.size >= 10_000) this.outputChannels.clear();
      channel = processChannel(processId);
      this.outputChannels.set(processId, channel);
    }
    return channel;
  }

  private publishMessage(channel: string, message: Message): number {
    const entry = this.engine.publish(channel, message);
    this.counters.published++;
    return entry.seq;
  }

  private readonly publishStats = (): void => {
    if (this.engine.subscriberCount(HUB_STATS_CHANNEL) === 0) {
      clearInterval(this.statsTimer);
      this.statsTimer = undefined;
      return;
    }
    this.publish(HUB_STATS_CHANNEL, { type: 'event', data: this.stats() });
  };

  private queued(delta: number): void {
    this.totalQueued += delta;
    this.updateCongestion();
  }

  private updateCongestion(): void {
    const highWater = this.limits.congestionHighWaterBytes;
    if (!this.congested && (this.totalQueued > highWater || this.pressured.size > 0)) this.congested = true;
    else if (this.congested && this.totalQueued <= highWater / 2 && this.pressured.size === 0) {
      this.congested = false;
      const listeners = this.drainListeners;
      this.drainListeners = [];
      if (listeners.length > 0) setImmediate(() => listeners.forEach((l) => l()));
    }
  }

  // Deliberate close: counted, unregistered at once (its queue is freed), socket closed with a code.
  private drop(client: ClientConnection, code: number, reason: string, counter?: keyof HubCounters): void {
    if (client.closed) return;
    if (counter) this.counters[counter]++;
    client.close(code, reason);
    this.unregister(client);
  }

  private kill(client: ClientConnection, counter: keyof HubCounters): void {
    this.counters[counter]++;
    client.terminate();
    this.unregister(client);
  }

  private unregister(client: ClientConnection): void {
    if (!this.clients.delete(client.id)) return;
    for (const channel of client.subscriptions) this.engine.unsubscribe(channel, client);
    client.subscriptions.clear();
    if (this.clients.size === 0) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
    this.options.onDisconnect?.(client);
  }

  private async shutdown(): Promise<void> {
    const all = [...this.clients.values()];
    const sockets = all.map(
      (c) => new Promise<void>((resolve) => (c.ws.readyState === c.ws.CLOSED ? resolve() : c.ws.once('close', () => resolve()))),
    );
    for (const client of all) this.drop(client, CloseCode.goingAway, 'hub closing');
    clearInterval(this.heartbeat);
    clearInterval(this.statsTimer);
    this.heartbeat = this.statsTimer = undefined;
    // Give peers a moment to answer the close handshake, then cut whatever is left.
    const grace = new Promise<void>((resolve) => setTimeout(resolve, 1000).unref());
    await Promise.race([Promise.all(sockets), grace]);
    for (const client of all) client.ws.terminate();
    this.wss.close();
    this.engine.close();
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

// Module-level on purpose: a closure created in handleUpgrade would share that call's context,
// and so keep the upgrade request (headers and all) alive for as long as the socket lives,
// about 2.5 KB per idle connection (measured by the benchmark).
function destroySocket(this: Duplex): void {
  this.destroy();
}
