/** The checks of what a caller hands the client: misuse throws at once (TypeError, RangeError), before anything is sent. */
import { channelNameError, isReservedChannel, type Message } from '../protocol';
import type { ChannelHandler, SubscribeOptions } from './client-types';

/** Throws a TypeError for a channel name the hub would refuse. */
export function checkChannel(channel: unknown): void {
  const problem = channelNameError(channel);
  if (problem) throw new TypeError(`invalid channel: ${problem}`);
}

/** A channel a client may publish to: valid, and not one of the hub's own (`process:*`, `processes`, `hub:*`). */
export function checkPublishChannel(channel: string): void {
  checkChannel(channel);
  if (isReservedChannel(channel)) throw new RangeError(`channel ${channel} is reserved for the hub; clients cannot publish there`);
}

/** The arguments of `subscribe`. */
export function checkSubscribe(channel: string, handler: ChannelHandler | undefined, options: SubscribeOptions): void {
  checkChannel(channel);
  if (handler !== undefined && typeof handler !== 'function') throw new TypeError('handler must be a function');
  if (options.since !== undefined && !(Number.isSafeInteger(options.since) && options.since >= 0)) throw new RangeError('since must be an integer >= 0');
  if (options.epoch !== undefined && typeof options.epoch !== 'string') throw new TypeError('epoch must be a string');
}

/** A message `send` may send as is: an object with a type. */
export function checkMessage(message: Message): void {
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') throw new TypeError('message must be an object with a type');
}
