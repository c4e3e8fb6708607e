/**
 * ANSI colours to styled segments with anser (never HTML), split further at search matches so
 * that a highlight can cross colour boundaries.
 */
import Anser from 'anser';
import type { MatchRange } from './line-filter';

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
}

/** Parse a line's ANSI escapes into styled segments whose texts concatenate to the plain text. */
export function ansiSegments(text: string): AnsiSegment[] {
  if (!text.includes('\x1b')) return [{ text, className: '' }];
  const entries = Anser.ansiToJson(text, { use_classes: true, remove_empty: true });
  const out: AnsiSegment[] = [];
  for (const e of entries) {
    if (!e.content) continue;
    const classes: string[] = [];
    const seg: AnsiSegment = { text: e.content, className: '' };
    colour(e.fg, e.fg_truecolor, 'fg', classes, seg);
    colour(e.bg, e.bg_truecolor, 'bg', classes, seg);
    for (const d of e.decorations ?? []) classes.push(`ansi-${d}`);
    seg.className = classes.join(' ');
    out.push(seg);
  }
  return out;
}

function colour(name: string | null, truecolor: string | null, side: 'fg' | 'bg', classes: string[], seg: AnsiSegment): void {
  if (!name) return;
  let css: string | undefined;
  if (name === 'ansi-truecolor' && truecolor) css = `rgb(${truecolor})`;
  else if (name.startsWith('ansi-palette-')) css = paletteColour(Number(name.slice('ansi-palette-'.length)));
  else classes.push(`${name}-${side}`);
  if (css) {
    if (side === 'fg') seg.color = css;
    else seg.background = css;
  }
}

/** The xterm 256-colour palette entry (16 to 255; lower ones map to the 16 themed colours). */
export function paletteColour(n: number): string {
  if (n < 16) return `var(--ansi-${n})`;
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
  }
  const grey = 8 + (n - 232) * 10;
  return `rgb(${grey}, ${grey}, ${grey})`;
}

/** Split segments at match boundaries, marking the parts inside a match. */
export function highlightSegments(segments: AnsiSegment[], matches: MatchRange[]): AnsiSegment[] {
  if (matches.length === 0) return segments;
  const out: AnsiSegment[] = [];
  let offset = 0;
  let m = 0;
  for (const seg of segments) {
    const segEnd = offset + seg.text.length;
    let pos = offset;
    while (pos < segEnd) {
      while (m < matches.length && (matches[m] as MatchRange).end <= pos) m++;
      const match = matches[m];
      if (!match || match.start >= segEnd) {
        out.push({ ...seg, text: seg.text.slice(pos - offset) });
        pos = segEnd;
      } else if (match.start > pos) {
        out.push({ ...seg, text: seg.text.slice(pos - offset, match.start - offset) });
        pos = match.start;
      } else {
        const end = Math.min(match.end, segEnd);
        out.push({ ...seg, text: seg.text.slice(pos - offset, end - offset), match: true });
        pos = end;
      }
    }
    offset = segEnd;
  }
  return out;
}
