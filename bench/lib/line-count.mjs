/**
 * Counting the generator's numbered lines ("<i> <unix-nanos> xxx…", see
 * bench/fixtures/line-generator.mjs) where a peer puts them: a pipe (concurrently's prefixed
 * output) or a file (pm2's log). Every line is marked by its number, so that a loss is counted,
 * not estimated; anything before the number (a prefix such as "[gen] ") is skipped, and lines
 * that are not the generator's (its report, a peer's own messages) are ignored.
 */
import { createReadStream } from 'node:fs';

const now = () => performance.timeOrigin + performance.now(); // ms, wall clock, as the generator stamps

/** A tally for `expect` lines numbered from 0. */
export class LineTally {
  constructor(expect) {
    this.expect = expect;
    this.got = new Uint8Array(expect);
    this.distinct = 0;
    this.duplicates = 0;
    this.firstStampMs = Infinity;
    this.lastAt = 0;
    this.rest = '';
  }

  /** Feed a chunk of text (lines may straddle chunks). Returns true once every line is in. */
  feed(chunk) {
    const text = this.rest + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.line(text, start, nl);
      start = nl + 1;
    }
    this.rest = text.slice(start);
    this.lastAt = now();
    return this.distinct >= this.expect;
  }

  // "<prefix><i> <nanos> x…": the number is the digits before the first space that is followed
  // by a digit run and another space (the stamp), so a prefix holding spaces is passed over.
  line(text, from, to) {
    let sp = text.indexOf(' ', from);
    while (sp >= 0 && sp < to) {
      const sp2 = text.indexOf(' ', sp + 1);
      if (sp2 < 0 || sp2 > to) return;
      if (text.charCodeAt(sp2 + 1) === 0x78 && isDigits(text, sp + 1, sp2)) {
        let b = sp;
        while (b > from && isDigit(text.charCodeAt(b - 1))) b--;
        if (b === sp) return;
        const i = Number(text.slice(b, sp));
        if (!(i >= 0 && i < this.expect)) return;
        if (this.got[i]) this.duplicates++;
        else {
          this.got[i] = 1;
          this.distinct++;
        }
        const stamp = Number(text.slice(sp + 1, sp2)) / 1e6;
        if (stamp < this.firstStampMs) this.firstStampMs = stamp;
        return;
      }
      sp = sp2;
    }
  }

  /** Lines per second from the first line's stamp to `endMs` (default: the last chunk's arrival). */
  perSec(endMs = this.lastAt) {
    return this.distinct / ((endMs - this.firstStampMs) / 1000);
  }

  get lost() {
    return this.expect - this.distinct;
  }
}

const isDigit = (c) => c >= 48 && c <= 57;
function isDigits(text, from, to) {
  if (to <= from) return false;
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** Tally a whole file. */
export async function tallyFile(path, expect) {
  const tally = new LineTally(expect);
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) tally.feed(chunk);
  if (tally.rest) tally.feed('\n');
  return tally;
}
