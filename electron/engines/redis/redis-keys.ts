/**
 * Every Redis key and pub/sub channel Switchyard uses, in one place (the layout is in this room's
 * README). `P` is the URL's prefix (`sy:` by default). A channel's keys share a hash tag (`{…}`),
 * so that they would live in one slot of a cluster; the Lua scripts touch only those keys.
 */

/** Names derived from the prefix. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** STREAM of a channel's retained publications; entry id `<seq>-0`, field `d` = payload. */
  stream(channel: string): string {
    return `${this.prefix}ch:{${channel}}:s`;
  }

  /** HASH of a channel's numbers: `e` epoch, `s` top seq, `b` retained bytes, `w:<node>` last publish id of each writer. */
  meta(channel: string): string {
    return `${this.prefix}ch:{${channel}}:m`;
  }

  /** Pub/sub channel of a channel's publications (one message per publish call). */
  pubsub(channel: string): string {
    return `${this.prefix}pub:${channel}`;
  }

  /** The channel name back from a pub/sub channel name, or undefined for another kind. */
  channelOfPubsub(name: string): string | undefined {
    const head = `${this.prefix}pub:`;
    return name.startsWith(head) ? name.slice(head.length) : undefined;
  }

  /** SET of every node name seen. */
  nodes(): string {
    return `${this.prefix}nodes`;
  }

  /** HASH of one node: `info` (JSON: incarnation, clients, version, seenAt), `processes` (JSON list, qualified ids). No TTL: it outlives the node, so that its processes show as unreachable. */
  node(name: string): string {
    return `${this.prefix}node:${name}`;
  }

  /** STRING, the node's incarnation, with a TTL renewed by every heartbeat: gone when the node is. */
  alive(name: string): string {
    return `${this.prefix}node:${name}:alive`;
  }

  /** STRING set once (NX) by the node that announces an incarnation's death, so that one node does it. */
  gone(name: string, incarnation: string): string {
    return `${this.prefix}node:${name}:gone:${incarnation}`;
  }

  /** Pub/sub: a node announces that its record changed (message: its name). */
  nodesChanged(): string {
    return `${this.prefix}nodes:changed`;
  }

  /** Pub/sub: requests to a node (RPC). */
  rpc(name: string): string {
    return `${this.prefix}rpc:${name}`;
  }

  /** Pub/sub: responses to a node's requests. */
  rpcReply(name: string): string {
    return `${this.prefix}rpc:${name}:reply`;
  }
}
