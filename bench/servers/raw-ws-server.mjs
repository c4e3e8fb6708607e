/**
 * The floor: a `ws` server that forwards each published message to each subscriber as its own
 * frame, with no hub logic (no numbering, history, queue bound or batching). Encodes each
 * message once, as the hub does, so the difference is what the hub adds.
 * usage: node --expose-gc raw-ws-server.mjs   (prints "listening <port>")
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { handleBenchRequest } from './publish-loop.mjs';

const channels = new Map();
const server = createServer((req, res) => {
  if (!handleBenchRequest(req, res, publish)) res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws) => {
  const mine = new Set();
  ws.on('message', (raw) => {
    let msg;
    try {
      msg = JSON.parse(raw.toString());
    } catch {
      return;
    }
    if (msg.type !== 'subscribe') return;
    const name = msg.channel ?? msg.data;
    if (!channels.has(name)) channels.set(name, new Set());
    channels.get(name).add(ws);
    mine.add(name);
    ws.send(JSON.stringify({ type: 'subscribed', channel: name }));
  });
  ws.on('close', () => {
    for (const name of mine) channels.get(name)?.delete(ws);
  });
  ws.on('error', () => {});
});

function publish(channel, data) {
  const subscribers = channels.get(channel);
  if (!subscribers) return;
  const frame = Buffer.from(JSON.stringify({ type: 'process_output', channel, processId: 'bench', data }));
  for (const ws of subscribers) ws.send(frame);
}

server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));

// Exit on SIGTERM (the bench's stop), so that a profiling run writes this server's profile.
process.on('SIGTERM', () => process.exit(0));
