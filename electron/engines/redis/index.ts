/**
 * Several machines through Redis: the channel engine and the node network on one pair of
 * connections. `createRedisNodes(url, node)` builds both; the hub takes the engine, the node
 * router (electron/nodes) the network. Nothing connects before the engine's `start`.
 */
import { RedisEngine, type RedisEngineOptions } from './redis-engine';
import { RedisLink } from './redis-link';
import { RedisNodes, type RedisNodesOptions } from './redis-nodes';
import { parseEngineUrl } from './redis-url';

export { RedisEngine } from './redis-engine';
export { RedisNodes } from './redis-nodes';
export { RedisRefusedError } from './redis-safety';
export { parseEngineUrl } from './redis-url';

/** The engine and the network of one node. */
export interface RedisNodeParts {
  engine: RedisEngine;
  network: RedisNodes;
  /** The engine URL as it may be printed (no password). */
  display: string;
}

/** Options beyond the URL and the node name. */
export interface CreateRedisNodesOptions {
  engine?: Omit<RedisEngineOptions, 'link' | 'node'>;
  network?: Omit<RedisNodesOptions, 'link' | 'node'>;
}

/** Build a node's engine and network on `url` (throws a TypeError for a bad URL, without its password). */
export function createRedisNodes(url: string, node: string, options: CreateRedisNodesOptions = {}): RedisNodeParts {
  const parsed = parseEngineUrl(url);
  const link = new RedisLink({ url: parsed });
  return {
    engine: new RedisEngine({ ...options.engine, link, node }),
    network: new RedisNodes({ ...options.network, link, node }),
    display: parsed.display,
  };
}
