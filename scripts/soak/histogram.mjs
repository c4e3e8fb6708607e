// Latency histogram for the soak: fixed 0.1 ms buckets up to 10 s, then one overflow bucket, so
// that recording is O(1) and memory is fixed however long the soak runs.
const BUCKET_MS = 0.1;
const BUCKETS = 100_000;

/** Records latencies in ms and reports percentiles. */
export class Histogram {
  constructor() {
    this.counts = new Uint32Array(BUCKETS + 1);
    this.total = 0;
    this.max = 0;
  }

  /** Record one latency (ms; negative clock noise counts as 0). */
  record(ms) {
    const v = ms > 0 ? ms : 0;
    const i = Math.min(BUCKETS, Math.floor(v / BUCKET_MS));
    this.counts[i]++;
    this.total++;
    if (v > this.max) this.max = v;
  }

  /** The latency (ms) below which a fraction `q` (0..1) of the recorded ones lie. */
  percentile(q) {
    if (this.total === 0) return 0;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return i === BUCKETS ? this.max : (i + 1) * BUCKET_MS;
    }
    return this.max;
  }
}
