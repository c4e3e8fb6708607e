// Soak fixture: a process that prints RATE numbered lines per second until it is stopped.
// Each line is `<n> <wall-clock ms with µs>`, so that a subscriber can check that no line is
// lost or reordered (n grows by exactly 1) and measure the latency from print to receipt.
const rate = Number(process.argv[2] ?? 1000);
const name = process.argv[3] ?? 'emitter';
const start = performance.now();
let n = 0;
setInterval(() => {
  const due = Math.floor(((performance.now() - start) * rate) / 1000);
  // Catch up at most one second's worth per tick: a stalled pipe must not become a burst of a minute.
  const until = Math.min(due, n + rate);
  let out = '';
  while (n < until) out += `${++n} ${(performance.timeOrigin + performance.now()).toFixed(3)} ${name}\n`;
  if (out) process.stdout.write(out);
}, 10);
process.on('SIGTERM', () => process.exit(0));
