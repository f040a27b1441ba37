import { shown } from './sanitize.js';

/** A non-2xx answer from the app in one line, with the start of its body: for reports, offline and live alike. */
export function answeredError(status: number, body: string): string {
  const detail = shown(body, 120);
  return `the app answered ${status}${detail ? `: ${detail}` : ''}`;
}

/** A 2xx status: the only answer Stripe counts as delivered. */
export const is2xx = (status: number | null): boolean => status !== null && status >= 200 && status < 300;

/**
 * The start of an answer's body as a report shows it: an HTML page (by its Content-Type, or a body that opens
 * like one, as frameworks' default error pages do) as its text, else the body as it is. Callers pass an
 * excerpt or a capped body: this scans it once.
 */
export function answerText(body: string, contentType?: string): string {
  const html = /^\s*text\/html\b/i.test(contentType ?? '') || /^\s*<(!doctype html|html)[\s>]/i.test(body.slice(0, 64));
  return html ? htmlText(body) : body;
}

// Elements whose content is not text a reader sees.
const HIDDEN = new Set(['script', 'style', 'template', 'noscript', 'svg']);

/**
 * An HTML page's text: `<pre>` text when there is some (Express and Connect put their error message there, under
 * a generic title), else the title and then the body's text. Tags are dropped, entities decoded, in one pass
 * with indexOf (no regular expression over the markup, so no backtracking); a cut-off tag ends the text.
 */
function htmlText(html: string): string {
  const lower = html.toLowerCase();
  const parts = { title: '', pre: '', text: '' };
  let into: 'title' | 'pre' | undefined;
  let i = 0;
  while (i < html.length) {
    const open = html.indexOf('<', i);
    const text = html.slice(i, open === -1 ? html.length : open);
    parts.text += text;
    if (into) parts[into] += text;
    if (open === -1) break;
    if (lower.startsWith('<!--', open)) {
      const end = lower.indexOf('-->', open + 4);
      if (end === -1) break;
      i = end + 3;
      continue;
    }
    const close = html.indexOf('>', open);
    if (close === -1) break;
    const name = tagName(lower, open);
    i = close + 1;
    if (name === 'title' || name === 'pre') into = name;
    else if (name === '/title' || name === '/pre') into = undefined;
    if (HIDDEN.has(name) && html[close - 1] !== '/') {
      const end = lower.indexOf(`</${name}`, i);
      if (end === -1) break;
      i = end;
    }
    parts.text += ' '; // a tag separates words (`<td>a</td><td>b</td>`)
    if (into) parts[into] += ' ';
  }
  const clean = (part: string) => decodeEntities(part).replace(/\s+/g, ' ').trim();
  const pre = clean(parts.pre);
  if (pre) return pre;
  const title = clean(parts.title);
  const all = clean(parts.text);
  // The body's text, after the title (which the text starts with, as <head> comes first).
  const rest = all.startsWith(title) ? all.slice(title.length).trim() : all;
  if (!title) return rest;
  return rest && !rest.startsWith(title) ? `${title} — ${rest}` : rest || title;
}

/** `<TITLE lang=…>` → "title", `</pre>` → "/pre", `<!DOCTYPE` → "!doctype". */
function tagName(lower: string, open: number): string {
  let end = open + 1;
  if (lower[end] === '/') end++;
  while (end < lower.length && /[a-z0-9!-]/.test(lower[end]!)) end++;
  return lower.slice(open + 1, end);
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z0-9]{2,8});/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (NAMED[lower] !== undefined) return NAMED[lower];
    if (!lower.startsWith('#')) return whole;
    const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
