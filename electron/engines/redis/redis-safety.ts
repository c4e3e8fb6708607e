/**
 * What a Redis must promise before Switchyard numbers channels in it (centrifugo #664, #888):
 * after a restart it either remembers everything or nothing. Nothing (no persistence): every
 * channel starts a new epoch, and clients hear `recovered: false`. Everything (AOF with
 * `appendfsync always`): the numbering goes on. Anything between (RDB snapshots, or an AOF synced
 * every second) brings back an older top seq under the same epoch, and the next publications
 * reuse seqs that clients have already seen with other content: refused. So is an eviction policy
 * other than `noeviction`: Redis would drop a channel's hash or stream behind our back.
 */

/** What the check reads (CONFIG GET and INFO server). */
export interface RedisSettings {
  save: string;
  appendonly: string;
  appendfsync: string;
  maxmemoryPolicy: string;
  version: string;
}

/** A Redis that Switchyard will not use, with what to change. */
export class RedisRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisRefusedError';
  }
}

/** The oldest Redis with everything the scripts use (XTRIM MINID, exclusive XRANGE bounds). */
const MIN_VERSION = [6, 2];

/** Why a Redis with these settings is refused, or null when it is fine. `where` names it (no password). */
export function refusalOf(settings: RedisSettings, where: string): string | null {
  const [major = 0, minor = 0] = settings.version.split('.').map(Number);
  if (major < (MIN_VERSION[0] as number) || (major === MIN_VERSION[0] && minor < (MIN_VERSION[1] as number))) {
    return `Redis at ${where} is version ${settings.version}; Switchyard needs ${MIN_VERSION.join('.')} or later.`;
  }
  const problems: string[] = [];
  if (settings.maxmemoryPolicy !== 'noeviction') {
    problems.push(
      `its maxmemory-policy is "${settings.maxmemoryPolicy}": Redis may evict a channel's numbering or history. Set maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf).`,
    );
  }
  const aof = settings.appendonly === 'yes';
  const snapshots = settings.save.trim() !== '';
  if (aof && settings.appendfsync !== 'always') {
    problems.push(
      `its append-only file is synced "${settings.appendfsync}": a crash loses the last writes and a restart would hand out seqs again under the same epoch. Set appendfsync always, or turn persistence off (appendonly no, save "").`,
    );
  } else if (!aof && snapshots) {
    problems.push(
      `it saves RDB snapshots (save "${settings.save}") without an append-only file: after a restart it would bring back an older seq under the same epoch and hand out seqs again. Either turn persistence off (CONFIG SET save "" and appendonly no) or make it durable (CONFIG SET appendonly yes and appendfsync always).`,
    );
  }
  return problems.length === 0 ? null : `Switchyard refuses the Redis at ${where}: ${problems.join(' Also, ')}`;
}

/** Something that runs Redis commands (an ioredis connection). */
export interface CommandRunner {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** Read the settings; a Redis that forbids CONFIG GET (some managed ones) is refused with that reason. */
export async function readSettings(redis: CommandRunner, where: string): Promise<RedisSettings> {
  const get = async (name: string): Promise<string> => {
    let reply: unknown;
    try {
      reply = await redis.call('CONFIG', 'GET', name);
    } catch (err) {
      throw new RedisRefusedError(
        `Switchyard cannot check the Redis at ${where} (CONFIG GET ${name} failed: ${(err as Error).message}); it needs to read the persistence and eviction settings before it numbers channels there.`,
      );
    }
    return Array.isArray(reply) && reply.length >= 2 ? String(reply[1]) : '';
  };
  const info = String(await redis.call('INFO', 'server'));
  const version = /^redis_version:(\S+)/m.exec(info)?.[1] ?? '0';
  return {
    save: await get('save'),
    appendonly: await get('appendonly'),
    appendfsync: await get('appendfsync'),
    maxmemoryPolicy: await get('maxmemory-policy'),
    version,
  };
}

/** Refuse an unsafe Redis (throws {@link RedisRefusedError}). */
export async function checkRedisSafety(redis: CommandRunner, where: string): Promise<void> {
  const refusal = refusalOf(await readSettings(redis, where), where);
  if (refusal) throw new RedisRefusedError(refusal);
}
