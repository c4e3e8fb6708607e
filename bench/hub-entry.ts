/**
 * The hub as a benchmark contender: a Hub in this process behind the same HTTP endpoints as the
 * seed peer (`POST /publish?channel&n&size&rate`, data "<i> <unix-nanos> <payload>"), so that
 * every contender is driven by the identical publisher. Built by electron-vite to
 * out/main/bench.js (the `bench` input); run with `node --expose-gc out/main/bench.js --token T`.
 * Prints "listening <port>".
 */
import { serveHub } from '../electron/http/hub-server';
import { Hub } from '../electron/hub/hub';
import { handleBenchRequest } from './servers/publish-loop.mjs';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const token = arg('--token') ?? 'bench-token-0123456789abcdef0123';
// `--engine redis://… --node NAME` (the nodes scenario): the hub on the Redis engine, one node of several.
const engineUrl = arg('--engine');
// Loaded only then, as serve does (core/switchyard-app.ts).
const engine = engineUrl ? (await import('../electron/engines/redis')).createRedisNodes(engineUrl, arg('--node') ?? 'bench').engine : undefined;
// The bench measures delivery, so inbound abuse limits (irrelevant here) stay at their defaults.
const hub = new Hub({ tokens: { [token]: 'bench' }, ...(engine ? { engine } : {}) });
await hub.ready();

// The same HTTP front as serve's, with the publish endpoint as the embedder's own route. Its
// cap on sockets not yet authenticated is raised: the connection scenario opens thousands at once.
const served = await serveHub(hub, {
  maxUnauthenticated: 20_000,
  maxUnauthenticatedPerAddress: 20_000,
  extraRoute: (req, res) =>
    handleBenchRequest(req, res, (channel, data) => {
      void hub.publish(channel, { type: 'process_output', processId: 'bench', data });
    }),
});
console.log(`listening ${served.port}`);
const stop = () => void hub.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
