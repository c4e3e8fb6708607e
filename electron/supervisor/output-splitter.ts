/**
 * Turns one output stream's bytes into the lines that go out as `process_output`.
 *
 * - UTF-8 is decoded across chunk boundaries; invalid bytes become U+FFFD, NUL bytes are removed
 *   (they end C strings in viewers), so binary output never breaks the stream.
 * - Lines end at `\n` or `\r\n`; the newline is not part of the data. A last line without a
 *   newline is flushed by {@link OutputSplitter.end}.
 * - A line longer than `maxLineBytes` (UTF-8) goes out in pieces of at most that size, cut at a
 *   character boundary, so memory per stream stays bounded.
 *
 * The `\r` progress rule (the UI and the README follow it):
 * a bare `\r` (not followed by `\n`) returns to the start of the line, as in a terminal, so the
 * line's content is the text after its last `\r` (or, when nothing follows it yet, the state
 * before it). The first state of such a line is sent as an ordinary line; every later state of
 * the same line is sent as a `process_output` whose data STARTS WITH `\r`, meaning "replaces the
 * previous line of this stream" (managed-process.ts turns an update into an ordinary line when
 * the other stream wrote in between, so on the wire it replaces the previous line of the
 * process). Updates are throttled to one per `progressIntervalMs` (default
 * 100 ms, so at most 10 per second); states overwritten before they could be sent are counted in
 * `coalesced`, and the latest state always goes out (a trailing timer, and the line's end). Data
 * never starts with `\r` otherwise, because every `\r` of the input is consumed here.
 */
import { asReplacement } from '../../shared/logs/progress-rule';
import { StringDecoder } from 'node:string_decoder';

/** Default longest line piece: 64 KiB of UTF-8. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/** Default least time between two progress updates of one line: 100 ms (≤ 10 updates/s). */
export const DEFAULT_PROGRESS_INTERVAL_MS = 100;

/** Options of {@link OutputSplitter}. */
export interface OutputSplitterOptions {
  /** Longest line piece in UTF-8 bytes. Default {@link DEFAULT_MAX_LINE_BYTES}. */
  maxLineBytes?: number;
  /** Least time between two progress updates of one line. Default {@link DEFAULT_PROGRESS_INTERVAL_MS}. */
  progressIntervalMs?: number;
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
}

/** Splits one stream's bytes into lines; see the file comment for the rules. */
export class OutputSplitter {
  /** Progress states that were overwritten before they could be sent (throttling). */
  coalesced = 0;
  private readonly decoder = new StringDecoder('utf8');
  private readonly maxBytes: number;
  private readonly interval: number;
  private readonly now: () => number;
  /** Text since the last `\r` or `\n` of the current line. */
  private cur = '';
  /** The last complete state of a progress line (text before its latest bare `\r`); null when none. */
  private lastState: string | null = null;
  /** What was last sent for the current line; null when nothing was. */
  private sent: string | null = null;
  private lastSentAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    private readonly emit: (line: string) => void,
    options: OutputSplitterOptions = {},
  ) {
    this.maxBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.interval = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    this.now = options.now ?? Date.now;
    if (!(this.maxBytes >= 4)) throw new RangeError('maxLineBytes must be at least 4');
  }

  /** Feed a chunk of the stream. */
  push(chunk: Uint8Array): void {
    if (this.ended) return;
    this.consume(this.decoder.write(chunk as Buffer));
    this.showProgress();
  }

  /** The stream ended: flush the decoder and the last line; stop the progress timer. */
  end(): void {
    if (this.ended) return;
    this.consume(this.decoder.end());
    this.ended = true;
    if (this.cur !== '' || this.lastState !== null) this.endLine();
    this.cancelTimer();
  }

  private consume(text: string): void {
    if (text === '') return;
    if (text.includes('\0')) text = text.replace(/\0/g, '');
    let i = 0;
    // Where the next `\n` and `\r` are, looked for inside the loop only (-2: not yet). Node 20's
    // optimizing compiler placed a whole-chunk `indexOf('\r')` written before the loop inside it,
    // rescanning 64 KiB for every line: 0.7 µs a line, the largest cost of ingest.
    let nl = -2;
    let cr = -2;
    while (i < text.length) {
      if (nl !== -1 && nl < i) nl = text.indexOf('\n', i);
      if (cr !== -1 && cr < i) cr = text.indexOf('\r', i);
      const next = nl === -1 ? cr : cr === -1 ? nl : Math.min(nl, cr);
      if (next === -1) {
        this.append(text.slice(i));
        return;
      }
      this.append(text.slice(i, next));
      if (next === nl) {
        this.endLine();
        i = next + 1;
      } else if (next + 1 < text.length && text.charCodeAt(next + 1) === 10) {
        this.endLine();
        i = next + 2;
      } else {
        this.bareCR();
        i = next + 1;
      }
    }
  }

  private append(text: string): void {
    if (text === '') return;
    this.cur += text;
    if (this.cur.length * 3 <= this.maxBytes || Buffer.byteLength(this.cur) <= this.maxBytes) return;
    let buf = Buffer.from(this.cur);
    while (buf.length > this.maxBytes) {
      let cut = this.maxBytes;
      while (cut > 0 && ((buf[cut] as number) & 0xc0) === 0x80) cut--; // back to a character start
      this.cur = buf.subarray(0, cut).toString('utf8');
      this.endLine();
      buf = buf.subarray(cut);
    }
    this.cur = buf.toString('utf8');
  }

  /**
   * A bare `\r`: the text so far is a complete state of a progress line. A `\r` at the end of a
   * chunk is taken as bare too, so that a bar written as `state\r` shows at once: if a `\n`
   * follows, the line ends with the same content and nothing is sent twice.
   */
  private bareCR(): void {
    if (this.lastState !== null && this.sent !== this.lastState) this.coalesced++;
    this.lastState = this.cur !== '' || this.lastState === null ? this.cur : this.lastState;
    this.cur = '';
    this.showProgress();
  }

  /** Send the visible state of a progress line now, or later when throttled. */
  private showProgress(): void {
    if (this.lastState === null) return; // not a progress line
    const visible = this.cur !== '' ? this.cur : this.lastState;
    if (visible === this.sent) return;
    if (this.sent === null) {
      if (visible === '') return; // a line that starts with `\r`: nothing to show yet
      this.send(visible);
      return;
    }
    const wait = this.lastSentAt + this.interval - this.now();
    if (wait <= 0) {
      this.send(visible);
    } else if (this.timer === null && !this.ended) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.showProgress();
      }, wait);
      this.timer.unref?.();
    }
  }

  private send(visible: string): void {
    this.emit(this.sent === null ? visible : asReplacement(visible));
    this.sent = visible;
    this.lastSentAt = this.now();
  }

  private endLine(): void {
    const final = this.lastState !== null && this.cur === '' ? this.lastState : this.cur;
    if (this.lastState !== null && this.sent !== this.lastState && this.lastState !== final) this.coalesced++;
    if (this.sent === null) this.emit(final);
    else if (this.sent !== final) this.emit(asReplacement(final));
    this.cur = '';
    this.lastState = null;
    this.sent = null;
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
