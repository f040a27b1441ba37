/** Text that acts on a terminal or a CI log when printed raw: what the sanitizer (src/lib/sanitize.ts) must neutralize. */
export const HOSTILE = {
  clear: '\u001b[2J',
  title: '\u001b]0;title\u0007',
  hyperlink: '\u001b]8;;http://x\u0007link\u001b]8;;\u0007',
  c1csi: '\u009b31m',
  bidi: '\u202e',
  ciCommand: '\n::error::owned',
} as const;

/** Every hostile string in one. */
export const ALL_HOSTILE = Object.values(HOSTILE).join('');

/** The raw control characters none of which may reach stdout or stderr: ESC, BEL, C1 (CSI U+009B), the bidi controls. */
// eslint-disable-next-line no-control-regex -- control characters are what this finds
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
