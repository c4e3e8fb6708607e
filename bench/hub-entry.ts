/**
 * The hub as a benchmark contender: a Hub in this process behind the same HTTP endpoints as the
 * seed peer (`POST /publish?channel&n&size&rate`, data "<i> <unix-nanos> <payload>"), so that
 * every contender is driven by the identical publisher. Built by electron-vite to
 * out/main/bench.js (the `bench` input); run with `node --expose-gc out/main/bench.js --token T`.
 * Prints "listening <port>".
 */
import { createServer } from 'node:http';
import { Hub } from '../electron/hub/hub';
import { handleBenchRequest } from './servers/publish-loop.mjs';

const tokenArg = process.argv.indexOf('--token');
const token = tokenArg > 0 ? (process.argv[tokenArg + 1] ?? '') : 'bench-token-0123456789abcdef0123';
// The bench measures delivery, so inbound abuse limits (irrelevant here) stay at their defaults.
const hub = new Hub({ tokens: { [token]: 'bench' } });

const server = createServer((req, res) => {
  const handled = handleBenchRequest(req, res, (channel, data) => {
    hub.publish(channel, { type: 'process_output', processId: 'bench', data });
  });
  if (!handled) res.writeHead(404).end();
});
server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
const stop = () => void hub.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
