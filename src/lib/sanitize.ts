/**
 * The one sanitizer for text from outside (recordings, flow files, the app's answers, the Stripe CLI's lines,
 * event facts) on its way to a terminal or a CI log. Control characters would act there instead of being read:
 * ESC and the one-byte CSI U+009B start sequences that clear the screen, retitle the window or hide a link; a
 * line break starts a fresh line a CI runner may read as a command (`::error`); bidi overrides reorder what
 * follows. Each such character is shown as its escape (`\x1b`, `\u202e`), so the reader sees what was there.
 */

// C0 controls, DEL, C1 controls (U+009B is CSI in one character), and the bidi marks, embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above, less the line breaks and tabs our own multi-line output has
const UNSAFE_IN_OURS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// The only escape sequences we write ourselves: chalk's colours (SGR).
// eslint-disable-next-line no-control-regex -- ESC is part of what this matches
const COLOUR_OR_UNSAFE = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escaped = (char: string): string => {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * Text from outside as one line, safe to print: runs of whitespace (line breaks included) become one space, other
 * control characters their escapes; cut to `max` characters with an ellipsis.
 */
export function shown(text: string, max = Infinity): string {
  const line = text.replace(/\s+/g, ' ').replace(UNSAFE, escaped).trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * A whole block of our output, as the last guard before the terminal (ui/output.ts): line breaks and tabs stay,
 * and with `colour` so do chalk's colour codes; every other control character is shown as its escape.
 */
export function terminalSafe(text: string, colour: boolean): string {
  return text.replace(colour ? COLOUR_OR_UNSAFE : UNSAFE_IN_OURS, (match) => (match.length > 1 ? match : escaped(match)));
}

// JSON.stringify escapes C0 controls but writes DEL, C1 and the bidi controls as they are.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A JSON text with the controls JSON.stringify leaves raw written as `\uXXXX`: the same value, safe to print. */
export function jsonSafe(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value from outside quoted in a message (`file:line: … the type "…"`): as JSON, sanitized, at most 60 characters. */
export const quoted = (value: unknown): string => shown(JSON.stringify(value) ?? String(value), 60);
