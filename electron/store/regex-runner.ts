/**
 * Regular expressions from viewers run here, in a worker thread, never on the main thread: a
 * JavaScript regex can backtrack for minutes on one line (`(a+)+$`), cannot be interrupted from
 * inside, and Node 20's V8 has no linear-time engine without a start-up flag (and none for `i`).
 * A worker can be: `terminate()` stops it even mid-match. Each request has a deadline; a request
 * that misses it kills the worker (the next request starts a fresh one) and fails with `timeout`.
 *
 * The worker's code is a string evaluated by `new Worker(code, { eval: true })`, so it needs no
 * file of its own in the Electron bundle, in serve mode or in tests.
 */
import { Worker } from 'node:worker_threads';
import type { DecodedLines } from './line-batch';
import { LogQueryError } from './query-error';

// A block's text comes as bytes when it is ASCII (decoded here, off the main thread), else as a string.
const WORKER_CODE = `
const { parentPort } = require('node:worker_threads');
const { Buffer } = require('node:buffer');
parentPort.on('message', (m) => {
  let re;
  try {
    re = new RegExp(m.source, m.flags);
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message) });
    return;
  }
  const hits = [];
  for (let b = 0; b < m.texts.length; b++) {
    const t = m.texts[b];
    const text = typeof t === 'string' ? t : Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('latin1');
    const starts = m.starts[b];
    const out = [];
    for (let i = 0; i + 1 < starts.length; i++) if (re.test(text.slice(starts[i], starts[i + 1]))) out.push(i);
    hits.push(Int32Array.from(out));
  }
  parentPort.postMessage({ id: m.id, hits });
});
`;

interface Answer {
  id: number;
  hits?: Int32Array[];
  error?: string;
}

/** One worker that matches a regex against blocks of lines, one request at a time. */
export class RegexRunner {
  private worker: Worker | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;
  /** Workers killed for missing a deadline. */
  killed = 0;

  /** `timeoutMs`: the longest one request may take before the worker is killed. */
  constructor(private readonly timeoutMs: number) {}

  /** The indices of the lines of each block that `new RegExp(source, flags)` matches. */
  match(source: string, flags: string, blocks: readonly DecodedLines[]): Promise<Int32Array[]> {
    const run = this.tail.then(() => this.request(source, flags, blocks));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Stop the worker. Twice is harmless. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private request(source: string, flags: string, blocks: readonly DecodedLines[]): Promise<Int32Array[]> {
    if (this.closed) return Promise.reject(new LogQueryError('unavailable', 'the log store is closed'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onFailure);
        worker.off('exit', onFailure);
      };
      const timer = setTimeout(() => {
        done();
        this.kill(worker);
        reject(new LogQueryError('timeout', `the regular expression took longer than ${this.timeoutMs} ms over ${countLines(blocks)} lines; make it simpler (nested quantifiers such as (a+)+ backtrack without end)`));
      }, this.timeoutMs);
      const onMessage = (answer: Answer): void => {
        if (answer.id !== id) return;
        done();
        if (answer.error !== undefined) reject(new LogQueryError('bad_params', `query: not a valid regular expression: ${answer.error}`));
        else resolve(answer.hits ?? []);
      };
      const onFailure = (): void => {
        done();
        this.kill(worker);
        reject(new LogQueryError('unavailable', 'the search worker stopped; try again'));
      };
      worker.on('message', onMessage);
      worker.once('error', onFailure);
      worker.once('exit', onFailure);
      worker.postMessage({ id, source, flags, texts: blocks.map((b) => (b.ascii ? b.bytes : b.text)), starts: blocks.map((b) => b.starts) });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_CODE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 512 } });
    // An idle worker must not keep Switchyard (or a test) alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private kill(worker: Worker): void {
    if (this.worker === worker) this.worker = null;
    this.killed++;
    void worker.terminate();
  }
}

function countLines(blocks: readonly DecodedLines[]): number {
  return blocks.reduce((n, b) => n + b.count, 0);
}
