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

const tokenArg = process.argv.indexOf('--token');
const token = tokenArg > 0 ? (process.argv[tokenArg + 1] ?? '') : 'bench-token-0123456789abcdef0123';
// The bench measures delivery, so inbound abuse limits (irrelevant here) stay at their defaults.
const hub = new Hub({ tokens: { [token]: 'bench' } });

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
