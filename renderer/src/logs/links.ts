/**
 * URLs in output become links: found by linkify-it, kept only when they are `http:` or `https:`
 * (never `javascript:`, `file:` or a custom scheme), opened in a new browsing context with
 * `rel="noopener noreferrer"`; in the desktop window the new window is refused and the URL handed
 * to the system browser (electron/main/window-security.ts).
 */
import { LinkifyIt } from 'linkify-it';
import type { MatchRange } from './line-filter';
import { isHttpUrl } from '../../../shared/http-url';

/** One link in a text. */
export interface LinkRange extends MatchRange {
  url: string;
}

/** Longest text searched for links: linkify-it's patterns are not all linear, and a row shows less. */
const MAX_LINK_TEXT = 4096;
/** Most links in one row. */
const MAX_LINKS = 20;

let linkify: LinkifyIt | null = null;

function instance(): LinkifyIt {
  if (!linkify) {
    // Only explicit http(s) URLs: no schemaless "example.com", no e-mail, no ftp or `//` links.
    linkify = new LinkifyIt({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
    linkify.add('mailto:', null).add('ftp:', null).add('//', null);
  }
  return linkify;
}

/** Whether a URL may be a link: http(s) only (shared/http-url.ts). */
export const isSafeLink = (url: string): boolean => isHttpUrl(url);

/** The http(s) links in a line's plain text, in order. */
export function findLinks(text: string): LinkRange[] {
  if (!text.includes('http')) return [];
  const head = text.length > MAX_LINK_TEXT ? text.slice(0, MAX_LINK_TEXT) : text;
  const l = instance();
  const out: LinkRange[] = [];
  for (const m of l.match(head) ?? []) {
    if (out.length >= MAX_LINKS) break;
    if (isSafeLink(m.url)) out.push({ start: m.index, end: m.lastIndex, url: m.url });
  }
  return out;
}
