/** A line of output with its ANSI colours as styled spans (never HTML) and search matches marked. */
import type { CSSProperties } from 'react';
import { ansiSegments, highlightSegments } from './ansi';
import { findMatches } from './line-filter';

/** Props of {@link AnsiText}. */
export interface AnsiTextProps {
  /** The raw line, ANSI escapes kept. */
  text: string;
  /** Search query to highlight; empty for none. */
  query?: string;
}

/** Styled spans for one line of output. */
export function AnsiText({ text, query = '' }: AnsiTextProps) {
  const base = ansiSegments(text);
  // Match on the segments' own text so highlight offsets line up with what is drawn.
  const segments = query ? highlightSegments(base, findMatches(base.map((s) => s.text).join(''), query)) : base;
  return (
    <>
      {segments.map((seg, i) => {
        const style: CSSProperties | undefined = seg.color || seg.background ? { color: seg.color, backgroundColor: seg.background } : undefined;
        const span = (
          <span key={i} className={seg.className || undefined} style={style}>
            {seg.text}
          </span>
        );
        return seg.match ? (
          <mark key={i} className="search-hit">
            {span}
          </mark>
        ) : (
          span
        );
      })}
    </>
  );
}
