/**
 * The wire messages of Switchyard's hub (../shared/docs/CONTRACT.md): the seed's eight types plus
 * `subscribed`, `publish`, `request`, `response` and `terminal_output`. One JSON object per
 * message. The payloads they carry are typed in `payloads/`, the methods in `method-map.ts`.
 */
import type { ErrorCode } from './error-codes';
import type { Level, OutputStream } from './payloads/logs';
import type { ProcessStatusData } from './payloads/process';
import type { RequestId } from './request-id';

/** Every message type on the wire. */
export const MESSAGE_TYPES = [
  'process_output',
  'process_status',
  'event',
  'error',
  'ping',
  'pong',
  'subscribe',
  'unsubscribe',
  'subscribed',
  'publish',
  'request',
  'response',
  'terminal_output',
] as const;

/** One of {@link MESSAGE_TYPES}. */
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Fields every message may carry (the seed's shape plus the contract's additions). */
export interface MessageBase {
  type: MessageType;
  /** The channel the message belongs to. */
  channel?: string;
  /** The process a message is about (the seed's field). */
  processId?: string;
  /** Payload; its shape depends on the type. */
  data?: unknown;
  /** RFC 3339 time the hub stamped the message with. */
  timestamp?: string;
  /** Per-channel sequence number, set by the hub on every channel message. */
  seq?: number;
}

/** A line of process output. `data` is one line, ANSI kept, no trailing newline. */
export interface ProcessOutputMessage extends MessageBase {
  type: 'process_output';
  data: string;
  stream?: OutputStream;
  /** Where the line says it (a JSON or logfmt level field, a level word near its start). */
  level?: Level;
}

/** Bytes a process with a terminal wrote, escapes intact (`data`: UTF-8 text). */
export interface TerminalOutputMessage extends MessageBase {
  type: 'terminal_output';
  data: string;
}

/** A process status change. */
export interface ProcessStatusMessage extends MessageBase {
  type: 'process_status';
  data: ProcessStatusData;
}

/** A generic event (the seed sends `{event, data}`). */
export interface EventMessage extends MessageBase {
  type: 'event';
}

/** An error report; `data` says what went wrong. */
export interface ErrorMessage extends MessageBase {
  type: 'error';
  data: string;
  /** The request this error answers, when there is one. */
  id?: RequestId;
}

/** Application-level keep-alive request. */
export interface PingMessage extends MessageBase {
  type: 'ping';
}

/** Answer to `ping`. */
export interface PongMessage extends MessageBase {
  type: 'pong';
}

/**
 * Subscribe to a channel: the seed's `{"type":"subscribe","data":"process:web"}` or the contract's
 * `{"type":"subscribe","channel":"process:web","since":N,"epoch":E}`.
 */
export interface SubscribeMessage extends MessageBase {
  type: 'subscribe';
  /** Replay retained messages with `seq > since` before live ones. */
  since?: number;
  /** The channel epoch `since` belongs to. */
  epoch?: string;
}

/** Leave a channel (the seed's form puts the channel in `data`). */
export interface UnsubscribeMessage extends MessageBase {
  type: 'unsubscribe';
}

/** Payload of `subscribed`. */
export interface SubscribedData {
  seq: number;
  epoch: string;
  recovered: boolean;
  /** False for a `process:<id>` channel of no known process (a typo?); absent otherwise. */
  exists?: false;
}

/** The hub's answer to every subscribe. */
export interface SubscribedMessage extends MessageBase {
  type: 'subscribed';
  channel: string;
  data: SubscribedData;
}

/** An operator's message to a non-reserved channel. */
export interface PublishMessage extends MessageBase {
  type: 'publish';
  channel: string;
}

/** Payload of `request`. */
export interface RequestData {
  method: string;
  params?: unknown;
}

/** A method call; answered by a `response` with the same id. */
export interface RequestMessage extends MessageBase {
  type: 'request';
  id: RequestId;
  data: RequestData;
}

/** The error half of a `response`. */
export interface ResponseError {
  code: ErrorCode;
  message: string;
}

/** The answer to a `request`: `data` on success, `error` on failure. */
export interface ResponseMessage extends MessageBase {
  type: 'response';
  id: RequestId;
  error?: ResponseError;
}

/** Any message of the contract. */
export type Message =
  | ProcessOutputMessage
  | ProcessStatusMessage
  | EventMessage
  | ErrorMessage
  | PingMessage
  | PongMessage
  | SubscribeMessage
  | UnsubscribeMessage
  | SubscribedMessage
  | PublishMessage
  | RequestMessage
  | ResponseMessage
  | TerminalOutputMessage;

/** Narrow {@link Message} by its type. */
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** The channel a subscribe or unsubscribe names: `channel`, else the seed's `data`. */
export function targetChannel(msg: SubscribeMessage | UnsubscribeMessage): string {
  return msg.channel ?? (msg.data as string);
}
