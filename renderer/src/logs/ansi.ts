/**
 * ANSI colours to styled segments (never HTML), in one pass whose work is linear in the line's
 * length: the style is a fixed-size state (two colours and a bit set of decorations) that each
 * SGR code changes in place, so `ESC[1mA` repeated 10,000 times costs 10,000 small steps, not a
 * list of decorations that grows with every one (anser did that, 4 s for that line). Runs of
 * equal style merge into one segment, and a row gets at most {@link MAX_SEGMENTS} segments: past
 * that the rest of the line is drawn unstyled, so no line can make thousands of elements.
 * Segments are split further at search matches so that a highlight can cross colour boundaries.
 */
import type { MatchRange } from './line-filter';

/** Most styled segments one row gets; the rest of the line is one plain segment. */
export const MAX_SEGMENTS = 200;

/** A run of text with one style. */
export interface AnsiSegment {
  text: string;
  /** CSS classes: `ansi-<colour>-fg/bg` for the 16 themed colours, `ansi-bold` and friends. */
  className: string;
  /** Inline colours for the 256-colour palette and true colour. */
  color?: string;
  background?: string;
  /** Whether the segment lies inside a search match. */
  match?: boolean;
  /** The index of the link (in the row's links) the segment belongs to. */
  link?: number;
}

/** Counts the parser's steps (characters scanned and SGR parameters applied), for linearity tests. */
export interface WorkCounter {
  steps: number;
}

const NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
const DECORATIONS = ['bold', 'dim', 'italic', 'underline', 'blink', 'reverse', 'hidden', 'strikethrough'];
// Which decoration bits an SGR code sets (1-9) or clears (21-29).
const SET_BIT: Record<number, number> = { 1: 1, 2: 2, 3: 4, 4: 8, 5: 16, 7: 32, 8: 64, 9: 128 };
const CLEAR_BITS: Record<number, number> = { 21: 1, 22: 1 | 2, 23: 4, 24: 8, 25: 16, 27: 32, 28: 64, 29: 128 };

/** A colour: a themed one (`c0`..`c15`, drawn by class) or a CSS colour. */
type Colour = string | null;

interface Style {
  fg: Colour;
  bg: Colour;
  bits: number;
}

// ESC [ params final, or another escape to skip (OSC, lone ESC x).
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b(?:\[([0-?]*)[ -/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/y;

/** Parse a line's ANSI escapes into styled segments whose texts concatenate to the plain text. */
export function ansiSegments(text: string, work?: WorkCounter): AnsiSegment[] {
  if (!text.includes('\x1b')) {
    if (work) work.steps += text.length;
    return [{ text, className: '' }];
  }
  const out: AnsiSegment[] = [];
  const style: Style = { fg: null, bg: null, bits: 0 };
  let lastKey = '';
  let at = 0;
  let steps = 0;
  const emit = (piece: string) => {
    if (!piece) return;
    const key = `${style.fg}|${style.bg}|${style.bits}`;
    const last = out[out.length - 1];
    if (last && (key === lastKey || out.length >= MAX_SEGMENTS)) {
      last.text += piece;
      return;
    }
    if (out.length === MAX_SEGMENTS - 1) {
      // The cap: the rest of the line is one unstyled segment.
      out.push({ text: piece, className: '' });
      lastKey = '\0cap';
      return;
    }
    out.push(segmentOf(piece, style));
    lastKey = key;
  };
  while (at < text.length) {
    const esc = text.indexOf('\x1b', at);
    const stop = esc < 0 ? text.length : esc;
    steps += stop - at;
    emit(text.slice(at, stop));
    if (esc < 0) break;
    ESCAPE.lastIndex = esc;
    const m = ESCAPE.exec(text);
    if (!m) {
      // A lone ESC at the end or before something unknown: drop the ESC itself.
      at = esc + 1;
      steps++;
      continue;
    }
    steps += m[0].length;
    if (m[2] === 'm') steps += applySgr(style, m[1] ?? '');
    at = esc + m[0].length;
  }
  if (work) work.steps += steps;
  return out;
}

/** Apply one SGR sequence's parameters to the style; returns how many it read. */
function applySgr(style: Style, params: string): number {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c === 0) {
      style.fg = style.bg = null;
      style.bits = 0;
    } else if (SET_BIT[c]) style.bits |= SET_BIT[c] as number;
    else if (CLEAR_BITS[c]) style.bits &= ~(CLEAR_BITS[c] as number);
    else if (c >= 30 && c <= 37) style.fg = `c${c - 30}`;
    else if (c >= 90 && c <= 97) style.fg = `c${c - 90 + 8}`;
    else if (c >= 40 && c <= 47) style.bg = `c${c - 40}`;
    else if (c >= 100 && c <= 107) style.bg = `c${c - 100 + 8}`;
    else if (c === 39) style.fg = null;
    else if (c === 49) style.bg = null;
    else if (c === 38 || c === 48) {
      const mode = codes[i + 1];
      let colour: Colour = null;
      if (mode === 5) {
        colour = xterm256Colour(codes[i + 2] ?? 0);
        i += 2;
      } else if (mode === 2) {
        const [r, g, b] = [codes[i + 2], codes[i + 3], codes[i + 4]].map((v) => Math.max(0, Math.min(255, v ?? 0)));
        colour = `rgb(${r}, ${g}, ${b})`;
        i += 4;
      }
      if (c === 38) style.fg = colour;
      else style.bg = colour;
    }
  }
  return codes.length;
}

function segmentOf(text: string, style: Style): AnsiSegment {
  const classes: string[] = [];
  const seg: AnsiSegment = { text, className: '' };
  colour(style.fg, 'fg', classes, seg);
  colour(style.bg, 'bg', classes, seg);
  for (let b = 0; b < DECORATIONS.length; b++) if (style.bits & (1 << b)) classes.push(`ansi-${DECORATIONS[b]}`);
  seg.className = classes.join(' ');
  return seg;
}

function colour(c: Colour, side: 'fg' | 'bg', classes: string[], seg: AnsiSegment): void {
  if (c === null) return;
  if (/^c\d+$/.test(c)) {
    const n = Number(c.slice(1));
    classes.push(`ansi-${n >= 8 ? 'bright-' : ''}${NAMES[n % 8]}-${side}`);
  } else if (side === 'fg') seg.color = c;
  else seg.background = c;
}

/** The xterm 256-colour palette entry (16 to 255; lower ones map to the 16 themed colours). */
export function xterm256Colour(n: number): string {
  if (n < 16) return `var(--ansi-${Math.max(0, n)})`;
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
  }
  const grey = 8 + (Math.min(255, n) - 232) * 10;
  return `rgb(${grey}, ${grey}, ${grey})`;
}

/** Split segments at the boundaries of ranges (search matches, links), marking the parts inside one with `mark(range index)`. */
export function splitSegments(segments: AnsiSegment[], ranges: readonly MatchRange[], mark: (seg: AnsiSegment, range: number) => AnsiSegment): AnsiSegment[] {
  if (ranges.length === 0) return segments;
  const out: AnsiSegment[] = [];
  let offset = 0;
  let m = 0;
  for (const seg of segments) {
    const segEnd = offset + seg.text.length;
    let pos = offset;
    while (pos < segEnd) {
      while (m < ranges.length && (ranges[m] as MatchRange).end <= pos) m++;
      const range = ranges[m];
      if (!range || range.start >= segEnd) {
        out.push(pos === offset ? seg : { ...seg, text: seg.text.slice(pos - offset) });
        pos = segEnd;
      } else if (range.start > pos) {
        out.push({ ...seg, text: seg.text.slice(pos - offset, range.start - offset) });
        pos = range.start;
      } else {
        const end = Math.min(range.end, segEnd);
        out.push(mark({ ...seg, text: seg.text.slice(pos - offset, end - offset) }, m));
        pos = end;
      }
    }
    offset = segEnd;
  }
  return out;
}

/** Split segments at match boundaries, marking the parts inside a match. */
export function highlightSegments(segments: AnsiSegment[], matches: readonly MatchRange[]): AnsiSegment[] {
  return splitSegments(segments, matches, (seg) => ({ ...seg, match: true }));
}
