/**
 * The open segment's writes, one after the other, through libuv's thread pool (`fs.write`): the
 * kernel's copy into the page cache (most of what storing a line costs) happens off the event
 * loop that also runs the supervisor and the hub. A write that fails (a full disk) fails the
 * writer: what was queued behind it is dropped and counted, and the next batch goes to a new
 * segment, so nothing is ever appended behind a torn frame.
 */
import { write } from 'node:fs';

interface Job {
  buf: Buffer;
  /** Lines the buffer holds (counted as dropped if it is never written). */
  lines: number;
  /** Called once the job is written or dropped (gives a pooled buffer back). */
  done: () => void;
  /** A job that writes nothing and runs `done` in its turn (closing after the writes). */
  call?: true;
}

/** What a writer reports to its owner. */
export interface WriterEvents {
  /** A write failed: `lines` were not stored (the failed job's and everything queued behind it). */
  failed(err: Error, lines: number): void;
  /** `bytes` were queued (positive) or left the queue (negative). */
  queued(bytes: number): void;
}

export class SegmentWriter {
  /** Set once a write failed; nothing more is written through this writer. */
  failure: Error | null = null;
  private readonly queue: Job[] = [];
  private busy = false;
  private idleWaiters: Array<() => void> = [];

  /** `target.written` is kept at the bytes known to be written (readers read no further). */
  constructor(readonly fd: number, private readonly target: { written: number }, private readonly events: WriterEvents) {}

  /** Queue `buf` to be appended. */
  append(buf: Buffer, lines: number, done: () => void = () => {}): void {
    if (this.failure) {
      this.events.failed(this.failure, lines);
      done();
      return;
    }
    this.queue.push({ buf, lines, done });
    this.events.queued(buf.length);
    this.pump();
  }

  /** Run `fn` after everything queued so far (sealing and closing the file). */
  then(fn: () => void): void {
    this.queue.push({ buf: EMPTY, lines: 0, done: fn, call: true });
    this.pump();
  }

  /** Resolves once nothing is queued. */
  idle(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.busy) return;
    for (;;) {
      const job = this.queue[0];
      if (!job) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
        return;
      }
      if (!job.call) break;
      this.queue.shift();
      job.done();
    }
    this.busy = true;
    this.writeJob(this.queue[0] as Job, 0);
  }

  private writeJob(job: Job, from: number): void {
    write(this.fd, job.buf, from, job.buf.length - from, null, (err, n) => {
      if (!err && from + n < job.buf.length) {
        this.writeJob(job, from + n); // a short write: go on with the rest
        return;
      }
      this.queue.shift();
      this.events.queued(-job.buf.length);
      this.busy = false;
      if (err) this.fail(err, job);
      else {
        this.target.written += job.buf.length;
        job.done();
      }
      this.pump();
    });
  }

  private fail(err: Error, job: Job): void {
    this.failure = err;
    let lines = job.lines;
    job.done();
    // Drop the writes queued behind it (they would land behind a torn frame); keep the calls.
    for (let i = 0; i < this.queue.length; ) {
      const next = this.queue[i] as Job;
      if (next.call) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.events.queued(-next.buf.length);
      lines += next.lines;
      next.done();
    }
    this.events.failed(err, lines);
  }
}

const EMPTY = Buffer.alloc(0);
