/**
 * The one load client every contender faces: plain `ws` connections in a child process of its
 * own (forked by the runner, commands over IPC), so that client and server never share an event
 * loop. Only the few bytes of each contender's handshake differ (`PROTOCOLS` below); receiving,
 * parsing and counting are identical.
 *
 * Losses are counted by sequence: every message carries "<i> <unix-nanos> <payload>", and each
 * connection marks which i it received; nothing is estimated. Latency is receive time minus the
 * nanos the publisher stamped (both processes read the same wall clock).
 */
import WebSocket from 'ws';

const now = () => performance.timeOrigin + performance.now(); // ms, µs precision, wall clock
const X = 0x78; // 'x': payloads are x's; the warm-up probe has a 1-byte payload

/** How each contender is reached and subscribed to; everything after that is shared. */
const PROTOCOLS = {
  hub: {
    url: (base) => `${base}/ws`,
    options: (token) => ({ headers: { Authorization: `Bearer ${token}` }, protocol: 'switchyard.v1' }),
    subscribe: (ws, channel) => ws.send(JSON.stringify({ type: 'subscribe', channel })),
  },
  // The hub without `switchyard.v1`: one message per frame.
  hubPlain: {
    url: (base) => `${base}/ws`,
    options: (token) => ({ headers: { Authorization: `Bearer ${token}` } }),
    subscribe: (ws, channel) => ws.send(JSON.stringify({ type: 'subscribe', channel })),
  },
  seed: {
    url: (base) => `${base}/ws`,
    options: (token) => ({ headers: { Authorization: `Bearer ${token}` } }),
    subscribe: (ws, channel) => ws.send(JSON.stringify({ type: 'subscribe', data: channel })),
  },
  raw: {
    url: (base) => `${base}/ws`,
    options: () => ({}),
    subscribe: (ws, channel) => ws.send(JSON.stringify({ type: 'subscribe', channel })),
  },
  // Engine.IO 4 over a plain WebSocket: "0{open}" → "40" (join the "/" namespace) → "40{sid}"
  // → subscribe; "2" (ping) → "3". Subscribing waits for the namespace, so it happens here.
  socketio: {
    url: (base) => `${base}/socket.io/?EIO=4&transport=websocket`,
    options: () => ({}),
    subscribe: () => {},
    control: (conn, text) => {
      if (text === '2') conn.ws.send('3');
      else if (text.startsWith('40')) {
        if (conn.channel) conn.ws.send(`42${JSON.stringify(['subscribe', conn.channel])}`);
      }
      else if (text.charCodeAt(0) === 0x30) conn.ws.send('40');
    },
  },
};

const conns = [];
let expect = 0;
let latencies = new Float64Array(0);
let latencyCount = 0;
let firstSent = Infinity;
let firstRecv = 0;
let lastRecv = 0;
let lastActivity = 0;
let total = 0;
let duplicates = 0;
let outOfRange = 0;
const closes = {};
/** The one method call in flight (`request` below), answered by the response with its id. */
let pendingRequest = null;
let requests = 0;

function onText(conn, text) {
  lastActivity = now();
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    onMessage(conn, nl < 0 ? (start === 0 ? text : text.slice(start)) : text.slice(start, nl));
    if (nl < 0) return;
    start = nl + 1;
  }
}

// Encoders here (JSON.stringify, Go's json, socket.io) write no spaces, so the first space in a
// message is the one after "<i>" in its data.
function onMessage(conn, s) {
  if (pendingRequest && s.startsWith('{"type":"response"')) {
    const msg = JSON.parse(s);
    if (msg.id === pendingRequest.id) {
      pendingRequest.resolve(msg);
      pendingRequest = null;
      return;
    }
  }
  const sp1 = s.indexOf(' ');
  if (sp1 < 0) {
    conn.protocol.control?.(conn, s);
    return;
  }
  const sp2 = s.indexOf(' ', sp1 + 1);
  if (sp2 < 0 || s.charCodeAt(sp2 + 1) !== X) return;
  conn.warm = true;
  if (s.charCodeAt(sp2 + 2) !== X) return; // the warm-up probe
  let b = sp1;
  while (b > 0 && s.charCodeAt(b - 1) >= 48 && s.charCodeAt(b - 1) <= 57) b--;
  const i = Number(s.slice(b, sp1));
  const sentMs = Number(s.slice(sp1 + 1, sp2)) / 1e6;
  const t = now();
  if (!(i >= 0 && i < expect)) {
    outOfRange++;
    return;
  }
  if (conn.got[i]) {
    duplicates++;
    return;
  }
  conn.got[i] = 1;
  conn.count++;
  total++;
  if (sentMs < firstSent) firstSent = sentMs;
  if (firstRecv === 0) firstRecv = t;
  lastRecv = t;
  if (latencyCount < latencies.length) latencies[latencyCount++] = t - sentMs;
}

function openOne(protocol, base, token, channel) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(protocol.url(base), protocol.options(token).protocol, { ...protocol.options(token), perMessageDeflate: false });
    const conn = { ws, protocol, channel, got: new Uint8Array(expect), count: 0, warm: false };
    ws.on('message', (data) => onText(conn, data.toString()));
    ws.on('close', (code) => (closes[code] = (closes[code] ?? 0) + 1));
    ws.once('error', reject);
    ws.once('open', () => {
      ws.on('error', () => {});
      if (channel) protocol.subscribe(ws, channel);
      resolve(conn);
    });
  });
}

async function connect({ kind, base, token, count, channel, parallel = 100 }) {
  const protocol = PROTOCOLS[kind];
  let next = 0;
  let failed = 0;
  let firstError = '';
  // A bounded number of handshakes in flight: a burst of thousands of SYNs overflows the backlog.
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        conns.push(await openOne(protocol, base, token, channel));
      } catch (err) {
        failed++;
        firstError ||= err.message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return { connected: conns.length, failed, firstError };
}

function reset(n) {
  expect = n;
  for (const c of conns) {
    c.got = new Uint8Array(n);
    c.count = 0;
  }
  latencies = new Float64Array(n * conns.length);
  latencyCount = 0;
  firstSent = Infinity;
  firstRecv = lastRecv = total = duplicates = outOfRange = 0;
  lastActivity = now();
}

function finish({ idleMs = 1000, maxMs = 60_000 }) {
  const started = now();
  return new Promise((resolve) => {
    const check = () => {
      const t = now();
      const complete = total >= expect * conns.length;
      if (complete || t - lastActivity > idleMs || t - started > maxMs) return resolve(summary());
      setTimeout(check, 20);
    };
    check();
  });
}

function summary() {
  const lat = latencies.subarray(0, latencyCount).sort();
  const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] : null);
  const expected = expect * conns.length;
  return {
    expected,
    received: total,
    lost: expected - total,
    duplicates,
    outOfRange,
    p50: pct(50),
    p99: pct(99),
    max: lat.length ? lat[lat.length - 1] : null,
    spanMs: total ? lastRecv - firstSent : 0,
    perSec: total ? total / ((lastRecv - firstSent) / 1000) : 0,
    open: conns.filter((c) => c.ws.readyState === WebSocket.OPEN).length,
    closes: { ...closes },
  };
}

const handlers = {
  connect,
  warmCount: () => ({ warm: conns.filter((c) => c.warm).length, open: conns.filter((c) => c.ws.readyState === WebSocket.OPEN).length }),
  warmReset: () => {
    for (const c of conns) c.warm = false;
    return {};
  },
  expect: ({ n }) => (reset(n), {}),
  send: ({ text }) => (conns[0]?.ws.send(text), {}),
  // A method call on the first connection; resolves with the whole response (data or error).
  request: ({ method, params, timeoutMs = 10_000 }) =>
    new Promise((resolve, reject) => {
      const id = `bench-${++requests}`;
      const timer = setTimeout(() => {
        pendingRequest = null;
        reject(new Error(`${method}: no response in ${timeoutMs} ms`));
      }, timeoutMs);
      pendingRequest = { id, resolve: (msg) => (clearTimeout(timer), resolve(msg)) };
      conns[0].ws.send(JSON.stringify({ type: 'request', id, data: { method, params } }));
    }),
  finish,
  close: () => {
    for (const c of conns) c.ws.terminate();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

process.on('message', async (msg) => {
  try {
    process.send({ id: msg.id, ok: true, result: await handlers[msg.cmd](msg) });
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: err.message });
  }
});
process.on('disconnect', () => process.exit(0));
