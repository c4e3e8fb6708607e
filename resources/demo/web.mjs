// Demo: a small web server that takes a moment to warm up. Its readiness probe (switchyard.yaml)
// waits for the "listening on" line; the ticker depends on it being healthy. It listens on PORT,
// or on a free port, which the dashboard shows as a link.
import { createServer } from 'node:http';

console.log('web: warming up');
setTimeout(() => {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    console.log(`web: ${req.method} ${req.url} (${hits})`);
    res.setHeader('content-type', 'text/plain');
    res.end(`hello from the demo web server, request ${hits}\n`);
  });
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`web: listening on http://127.0.0.1:${server.address().port}`));
}, 1500);
process.on('SIGTERM', () => process.exit(0));
