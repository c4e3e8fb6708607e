/**
 * The contenders, each started as a server process of its own with the same HTTP publisher
 * (`POST /publish`), and the handshake the load client uses for it.
 */
import { existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, profileArgs, ROOT, startServer } from './lib/processes.mjs';

/** The bench token (operator for the hub, the seed's API key). */
export const TOKEN = 'bench-token-0123456789abcdef0123';
// Beside the main checkout (/work/main → /work/shared), or beside a worktree's parent folder
// (/work/wt/bench → /work/shared); BENCH_SEED_DIR names it elsewhere.
const SEED_DIR =
  process.env.BENCH_SEED_DIR ?? [resolve(ROOT, '../shared/peers/go-ws-seed'), resolve(ROOT, '../../shared/peers/go-ws-seed')].find((d) => existsSync(`${d}/build.sh`)) ?? resolve(ROOT, '../shared/peers/go-ws-seed');
const SEED_BIN = '/tmp/go-ws-seed-peer';

let seedBinary;
/** Build the seed peer once per run; returns the binary or `{ skip: reason }`. */
export function buildSeed() {
  if (seedBinary !== undefined) return seedBinary;
  if (!existsSync(`${SEED_DIR}/build.sh`)) return (seedBinary = { skip: `no seed peer at ${SEED_DIR}` });
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    return (seedBinary = { skip: 'skipped: no Go (apt-get install -y golang-go golang-github-gorilla-websocket-dev)' });
  }
  try {
    const fresh = existsSync(SEED_BIN) && statSync(SEED_BIN).mtimeMs > statSync(`${SEED_DIR}/main.go`).mtimeMs;
    if (!fresh) execFileSync('bash', [`${SEED_DIR}/build.sh`, SEED_BIN], { stdio: ['ignore', 'ignore', 'pipe'] });
    return (seedBinary = SEED_BIN);
  } catch (err) {
    return (seedBinary = { skip: `skipped: the seed did not build: ${String(err.stderr ?? err.message).trim().split('\n')[0]}` });
  }
}

const node = (script) => ({ command: process.execPath, args: ['--expose-gc', ...profileArgs(), script] });

/** Every contender: `start()` resolves with a server handle (`port`, `pid`, `stop()`), or `skip`. */
export const CONTENDERS = {
  hub: {
    label: 'Switchyard hub',
    client: 'hub',
    gc: true,
    start: () => {
      const { command, args } = node(resolve(ROOT, 'out/main/bench.js'));
      return startServer(command, [...args, '--token', TOKEN]);
    },
  },
  // The same hub, reached by a client that offers no `switchyard.v1` (a script, websocat, the
  // seed's own client): one message per frame, as raw ws sends them.
  plain: {
    label: 'Switchyard, plain client',
    client: 'hubPlain',
    gc: true,
    start: () => {
      const { command, args } = node(resolve(ROOT, 'out/main/bench.js'));
      return startServer(command, [...args, '--token', TOKEN]);
    },
  },
  seed: {
    label: 'seed (go-ws)',
    client: 'seed',
    gc: false,
    skip: () => (typeof buildSeed() === 'string' ? undefined : buildSeed().skip),
    // The seed logs the address it was given, so it gets a free port picked here.
    start: async () => startServer(buildSeed(), ['-addr', `127.0.0.1:${await freePort()}`, '-token', TOKEN], { ready: /listening on 127\.0\.0\.1:(\d+)/ }),
  },
  raw: {
    label: 'raw ws',
    client: 'raw',
    gc: true,
    start: () => {
      const { command, args } = node(resolve(ROOT, 'bench/servers/raw-ws-server.mjs'));
      return startServer(command, args);
    },
  },
  socketio: {
    label: 'Socket.IO 4',
    client: 'socketio',
    gc: true,
    start: () => {
      const { command, args } = node(resolve(ROOT, 'bench/servers/socketio-server.mjs'));
      return startServer(command, args);
    },
  },
};

/** The contenders named, in the order given (a scenario's case picks those it compares). */
export const pick = (...names) => Object.fromEntries(names.map((n) => [n, CONTENDERS[n]]));
