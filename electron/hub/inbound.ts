/**
 * Inbound messages of one client: rate limiting, decoding (shared/protocol), and dispatch of
 * subscribe, unsubscribe, ping, publish and request. Bad input is answered, never fatal.
 */
import {
  decodeFrame,
  isReservedChannel,
  targetChannel,
  type ErrorCode,
  type Message,
  type PublishMessage,
  type RequestMessage,
  type ResponseError,
  type SubscribeMessage,
} from '../../shared/protocol';
import type { HubCounters } from '../../shared/protocol';
import type { ClientConnection } from './client-connection';
import { timestamp } from './clock';
import { CloseCode, type ResolvedLimits } from './hub-options';
import type { MethodRegistry } from './methods';
import type { SubscribeFrom } from './subscription';

/** What the router needs from the hub. */
export interface RouterHost {
  readonly counters: HubCounters;
  readonly methods: MethodRegistry;
  readonly limits: Pick<ResolvedLimits, 'maxPayload'>;
  /** Subscribe (or re-position) a client; answers `subscribed` or an `error` itself. */
  subscribe(client: ClientConnection, channel: string, from: SubscribeFrom | undefined): void;
  /** Leave a channel. */
  unsubscribe(client: ClientConnection, channel: string): void;
  /** Publish a client's message; rejects with a reason fit for the client when refused. */
  publishFromClient(channel: string, message: Message): Promise<unknown>;
  /** Close a client on purpose, counted. */
  drop(client: ClientConnection, code: number, reason: string, counter?: keyof HubCounters): void;
}

/** Routes every client's inbound messages. */
export class InboundRouter {
  constructor(private readonly host: RouterHost) {}

  /** Handle one inbound frame: rate limit, decode, dispatch; bad input gets an error, never a close. */
  receive(client: ClientConnection, raw: Buffer, isBinary: boolean): void {
    client.lastSeen = performance.now();
    if (isBinary) return this.reject(client, 'binary frames are not supported; send JSON text');
    for (const result of decodeFrame(raw.toString(), { maxBytes: this.host.limits.maxPayload })) {
      if (client.closed) return;
      const decision = client.bucket.take(client.lastSeen);
      if (decision !== 'ok') {
        client.dropped++;
        this.host.counters.rateLimited++;
        if (decision === 'abuse') return this.host.drop(client, CloseCode.rateLimited, 'rate limited', 'rateLimitClosed');
        // One error per streak: answering every refused message would amplify the flood.
        if (client.bucket.streak === 1) client.send({ type: 'error', data: 'rate limited: messages are being refused, slow down' });
        continue;
      }
      if (!result.ok) this.reject(client, result.error.message, result.error.id, result.error.code);
      else this.dispatch(client, result.message);
    }
  }

  private dispatch(client: ClientConnection, message: Message): void {
    switch (message.type) {
      case 'subscribe':
        return this.subscribe(client, message);
      case 'unsubscribe':
        return this.unsubscribe(client, targetChannel(message));
      case 'ping':
        return client.sendNow({ type: 'pong', timestamp: timestamp() });
      case 'pong':
        return;
      case 'publish':
        return this.clientPublish(client, message);
      case 'request':
        return this.request(client, message);
      default:
        return this.reject(client, `clients may not send "${message.type}" messages`);
    }
  }

  private subscribe(client: ClientConnection, message: SubscribeMessage): void {
    const from = message.since === undefined ? undefined : { since: message.since, epoch: message.epoch };
    this.host.subscribe(client, targetChannel(message), from);
  }

  private unsubscribe(client: ClientConnection, channel: string): void {
    this.host.unsubscribe(client, channel);
  }

  private clientPublish(client: ClientConnection, message: PublishMessage): void {
    if (client.role !== 'operator') return this.reject(client, 'forbidden: viewers may not publish');
    if (isReservedChannel(message.channel)) return this.reject(client, `forbidden: channel "${message.channel}" is reserved for the hub`);
    const channel = message.channel;
    this.host.publishFromClient(channel, { type: 'publish', channel, data: message.data, timestamp: timestamp() }).catch((err: unknown) => {
      if (!client.closed) this.reject(client, `publish to "${channel}" failed: ${(err as Error).message}`);
    });
  }

  private request(client: ClientConnection, message: RequestMessage): void {
    const { id } = message;
    const answer = (r: { data: unknown } | { error: ResponseError }) => {
      if (client.closed) return;
      try {
        client.send({ type: 'response', id, ...r });
      } catch {
        // A result JSON cannot encode (a cycle, a BigInt): the caller still gets an answer.
        this.host.counters.internalErrors++;
        client.send({ type: 'response', id, error: { code: 'internal', message: 'the result could not be encoded' } });
      }
    };
    const result = this.host.methods.call(message, { clientId: client.id, userId: client.userId, role: client.role });
    if (result instanceof Promise) void result.then(answer);
    else answer(result);
  }

  /** Bad input: an `error` (or, for a request with an id, a `response` with an error); the connection stays. */
  reject(client: ClientConnection, reason: string, id?: string | number, code: ErrorCode = 'bad_request'): void {
    this.host.counters.badMessages++;
    if (id !== undefined) client.send({ type: 'response', id, error: { code, message: reason } });
    else client.send({ type: 'error', data: reason });
  }
}
