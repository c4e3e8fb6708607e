// One soak subscriber: a real `ws` client on one process channel that checks every message it
// gets. `seq` must grow by exactly 1 across every reconnect (it resubscribes with `since` and
// `epoch`), and so must the emitter's own line number. Latency is recorded for live lines only
// (a replay after a reconnect is old news by design).
import WebSocket from 'ws';

/** Counters shared by all soak clients. */
export function newTotals() {
  return { received: 0, lost: 0, reordered: 0, lineGaps: 0, notRecovered: 0, epochChanges: 0, connects: 0, churned: 0, unexpectedCloses: {}, errors: 0, badLines: 0 };
}

/** A checking subscriber; see the file comment. */
export class SoakClient {
  constructor({ url, token, channel, totals, histogram }) {
    this.url = url;
    this.token = token;
    this.channel = channel;
    this.totals = totals;
    this.histogram = histogram;
    this.ws = null;
    this.lastSeq = undefined;
    this.lastLine = undefined;
    this.epoch = undefined;
    this.liveAfter = Infinity;
    this.stopped = false;
    this.churning = false;
    this.open = false;
  }

  /** Connect (or reconnect) and subscribe, resuming after the last seq seen. */
  connect() {
    if (this.stopped) return;
    const ws = new WebSocket(this.url, ['switchyard.v1'], { headers: { Authorization: `Bearer ${this.token}` }, perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => {
      this.open = true;
      this.totals.connects++;
      const resume = this.lastSeq === undefined ? {} : { since: this.lastSeq, epoch: this.epoch };
      ws.send(JSON.stringify({ type: 'subscribe', channel: this.channel, ...resume }));
    });
    ws.on('message', (data) => this.frame(data.toString()));
    ws.on('error', () => this.totals.errors++);
    ws.on('close', (code) => {
      this.open = false;
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.churning) {
        this.churning = false;
        this.totals.churned++;
      } else if (!this.stopped) {
        this.totals.unexpectedCloses[code] = (this.totals.unexpectedCloses[code] ?? 0) + 1;
      }
      if (!this.stopped) setTimeout(() => this.connect(), this.churning ? 0 : 10);
    });
  }

  /** Churn: close normally and connect again at once. */
  churn() {
    if (!this.ws || !this.open || this.stopped) return false;
    this.churning = true;
    this.ws.close(1000, 'churn');
    return true;
  }

  /** Close for good. */
  stop() {
    this.stopped = true;
    const ws = this.ws;
    if (!ws) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => (ws.terminate(), resolve()), 3000);
      ws.once('close', () => (clearTimeout(timer), resolve()));
      ws.close(1000, 'soak over');
    });
  }

  frame(text) {
    const now = performance.timeOrigin + performance.now();
    for (const line of text.split('\n')) {
      const m = fastOutput(line) ?? parse(line);
      if (m === undefined) this.totals.badLines++;
      else if (m.type === 'subscribed') this.subscribed(m.data);
      else if (m.channel === this.channel && typeof m.seq === 'number') this.numbered(m, now);
      else if (m.type === 'error') this.totals.errors++;
    }
  }

  subscribed(data) {
    if (this.epoch !== undefined && data.epoch !== this.epoch) this.totals.epochChanges++;
    if (this.lastSeq !== undefined && data.recovered !== true) this.totals.notRecovered++;
    this.epoch = data.epoch;
    this.liveAfter = data.seq;
  }

  numbered(m, now) {
    this.totals.received++;
    if (this.lastSeq !== undefined && m.seq !== this.lastSeq + 1) {
      if (m.seq <= this.lastSeq) this.totals.reordered++;
      else this.totals.lost += m.seq - this.lastSeq - 1;
    }
    this.lastSeq = m.seq;
    if (m.type !== 'process_output' || typeof m.data !== 'string') return;
    const [n, t] = m.data.split(' ');
    const line = Number(n);
    if (this.lastLine !== undefined && line !== this.lastLine + 1) this.totals.lineGaps++;
    this.lastLine = line;
    if (m.seq > this.liveAfter) this.histogram.record(now - Number(t));
  }
}

function parse(line) {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

// The hot path: a process_output line as the hub encodes it (type first, seq last, the emitter's
// data free of quotes and escapes) is read with two searches instead of JSON.parse, so that one
// checking process keeps up with 200 subscribers on a small machine. Anything else is parsed.
const OUTPUT_PREFIX = '{"type":"process_output","channel":"';
function fastOutput(line) {
  if (!line.startsWith(OUTPUT_PREFIX)) return undefined;
  const channelEnd = line.indexOf('"', OUTPUT_PREFIX.length);
  const dataAt = line.indexOf('"data":"', channelEnd) + 8;
  const dataEnd = line.indexOf('"', dataAt);
  const seqMatch = /"seq":(\d+)[,}]/.exec(line.slice(line.lastIndexOf('"seq":')));
  if (channelEnd < 0 || dataAt < 8 || dataEnd < 0 || !seqMatch) return undefined;
  const data = line.slice(dataAt, dataEnd);
  if (data.includes('\\')) return undefined;
  return { type: 'process_output', channel: line.slice(OUTPUT_PREFIX.length, channelEnd), data, seq: Number(seqMatch[1]) };
}
