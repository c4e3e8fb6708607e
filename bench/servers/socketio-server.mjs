/**
 * Socket.IO 4 with rooms, the way its docs fan out: a client emits `subscribe` with a channel
 * name, joins that room, and every published message is `io.to(channel).emit('m', data)`.
 * WebSocket transport only (the load client speaks Engine.IO over plain `ws`).
 * usage: node --expose-gc socketio-server.mjs   (prints "listening <port>")
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { handleBenchRequest } from './publish-loop.mjs';

const server = createServer();
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
// socket.io answers its own path first; everything else is ours.
server.on('request', (req, res) => {
  if ((req.url ?? '').startsWith('/socket.io/')) return;
  if (!handleBenchRequest(req, res, (channel, data) => io.to(channel).emit('m', data))) res.writeHead(404).end();
});
io.on('connection', (socket) => {
  socket.on('subscribe', (channel) => {
    socket.join(String(channel));
    socket.emit('subscribed', channel);
  });
});

server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));

// Exit on SIGTERM (the bench's stop), so that a profiling run writes this server's profile.
process.on('SIGTERM', () => process.exit(0));
