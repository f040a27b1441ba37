/**
 * Reads `stripe listen` output lines (v1.52, piped or on a terminal) back into
 * typed events. On a terminal the CLI adds colours, OSC 8 hyperlinks, a spinner
 * redrawn with \r and a "> " prefix, so every pattern runs on the cleaned text.
 */
import { stripAnsi } from '../lib/ansi.js';
import { classifyCliMessage } from './spawn.js';

export type CliErrorCategory = 'bad-key' | 'not-logged-in' | 'network' | 'other';

export type ParsedLine = { kind: 'ready'; secret: string; apiVersion?: string } | { kind: 'cli-error'; category: CliErrorCategory; message: string };

/** The text a terminal would show: no escapes, only what follows the last \r, no "> " prompt. */
export function cleanLine(raw: string): string {
  const text = stripAnsi(raw).replace(/\r+$/, '');
  return text.slice(text.lastIndexOf('\r') + 1).replace(/^> /, '').trim();
}

const READY = /Ready!\s+(?:You are using Stripe API Version \[([^\]]+)\]\.\s+)?Your webhook signing secret is (whsec_\w+)/;
// logrus piped (`time="…" level=fatal msg="…"`) and on a terminal (`[date] FATAL …`). A message
// quoting a pretty-printed API error body goes on over several lines: its first one is enough.
const LOGRUS = /^time="[^"]*"\s+level=(?:fatal|panic|error|warning)\s+msg="(.*?)"?$/;
const LOGRUS_TTY = /^\[[^\]]*\]\s+(?:FATAL|PANIC|ERROR|WARN(?:ING)?)\s+(.*)$/;
// Messages the CLI prints bare on stderr before exiting 1.
const BARE_ERROR =
  /^(you have not configured API keys yet|the API key provided is|you are using a legacy-style API key|the CLI only supports|invalid API base URL|must specify events to forward)/i;

/** One output line as a typed event, or undefined for lines that carry none ("Getting ready…", blanks). */
export function parseListenLine(raw: string): ParsedLine | undefined {
  const text = cleanLine(raw);
  if (!text) return undefined;
  const match = READY.exec(text);
  if (match) return match[1] ? { kind: 'ready', secret: match[2]!, apiVersion: match[1] } : { kind: 'ready', secret: match[2]! };
  const logged = LOGRUS.exec(text)?.[1] ?? LOGRUS_TTY.exec(text)?.[1];
  const message = logged ?? text;
  if (logged !== undefined || BARE_ERROR.test(text)) return { kind: 'cli-error', category: classifyCliMessage(message), message };
  return undefined;
}
