/** A line of output with its ANSI colours as styled spans (never HTML), its URLs as links and search matches marked. */
import type { CSSProperties, ReactNode } from 'react';
import { ansiSegments, highlightSegments, splitSegments, type AnsiSegment } from './ansi';
import { findMatches } from './line-filter';
import { findLinks } from './links';

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
  // Match on the segments' own text so offsets line up with what is drawn.
  const plain = base.length === 1 ? (base[0] as AnsiSegment).text : base.map((s) => s.text).join('');
  const links = findLinks(plain);
  let segments = links.length ? splitSegments(base, links, (seg, i) => ({ ...seg, link: i })) : base;
  if (query) segments = highlightSegments(segments, findMatches(plain, query));
  const out: ReactNode[] = [];
  for (let i = 0; i < segments.length; ) {
    const seg = segments[i] as AnsiSegment;
    if (seg.link === undefined) {
      out.push(piece(seg, i));
      i++;
      continue;
    }
    // One anchor around the consecutive pieces of a link, whatever their colours.
    const link = seg.link;
    const parts: ReactNode[] = [];
    let j = i;
    for (; j < segments.length && (segments[j] as AnsiSegment).link === link; j++) parts.push(piece(segments[j] as AnsiSegment, j));
    out.push(
      <a key={`l${i}`} className="log-link" href={(links[link] as { url: string }).url} target="_blank" rel="noopener noreferrer">
        {parts}
      </a>,
    );
    i = j;
  }
  return <>{out}</>;
}

function piece(seg: AnsiSegment, key: number): ReactNode {
  const style: CSSProperties | undefined = seg.color || seg.background ? { color: seg.color, backgroundColor: seg.background } : undefined;
  const span = (
    <span key={key} className={seg.className || undefined} style={style}>
      {seg.text}
    </span>
  );
  return seg.match ? (
    <mark key={key} className="search-hit">
      {span}
    </mark>
  ) : (
    span
  );
}
