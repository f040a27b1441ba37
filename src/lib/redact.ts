/**
 * The one redaction helper every output path goes through. Stripe secrets must
 * never reach a terminal or a log unless the user asked for that exact value
 * (e.g. `listen --print-secret`), in which case the caller passes it in `allow`.
 * What a secret looks like is lib/secrets.ts's to say.
 */
import { ANSI } from './ansi.js';
import { findSecrets, parseSecret, type SecretMatch } from './secrets.js';

// Real key bodies are dozens of characters; requiring 8 keeps prose such as "sk_test_…" readable.
const MIN_BODY = 8;

function mask(secret: SecretMatch): string {
  const kept = secret.mode ? `${secret.prefix}_${secret.mode}_` : `${secret.prefix}_`;
  return `${kept}${secret.body.length > 8 ? '…' + secret.body.slice(-4) : '…'}`;
}

/**
 * One secret shown masked whatever its shape (`whsec_…ab12`; hand-made test secrets such as `my-signing-secret`
 * as `…cret`, `whsec_test_secret` as `whsec_…`), for a message that must say which secret it means without giving it away.
 */
export function maskSecret(value: string): string {
  const secret = parseSecret(value);
  if (secret) return mask(secret);
  const head = value.startsWith('whsec_') ? 'whsec_' : '';
  return value.length - head.length > 12 ? `${head}…${value.slice(-4)}` : `${head}…`;
}

/** The text without its escape sequences, and where each of its characters is in the original. */
function withoutEscapes(text: string): { plain: string; at: (i: number) => number } {
  if (!text.includes('\x1b')) return { plain: text, at: (i) => i };
  let plain = '';
  const at: number[] = [];
  let from = 0;
  for (const escape of [...text.matchAll(ANSI), { index: text.length, 0: '' }]) {
    for (let i = from; i < escape.index; i++) at.push(i);
    plain += text.slice(from, escape.index);
    from = escape.index + escape[0].length;
  }
  return { plain, at: (i) => at[i] ?? text.length };
}

/**
 * The secrets this run knows (its API key, the signing secret it signs with or the session's), masked wherever they
 * appear and whatever their length: a short hand-made `whsec_test_secret` escapes the shape-based search below.
 */
function maskKnown(text: string, allow: readonly string[], known: readonly string[]): string {
  for (const secret of known) if (text.includes(secret) && !allow.includes(secret)) text = text.split(secret).join(maskSecret(secret));
  return text;
}

/**
 * Secrets are looked for in the text with its escape sequences taken out, and one right after an escape
 * sequence counts as starting a word (`\x1b[1mwhsec_…` is a secret after a colour code, not the tail of a word
 * "1mwhsec_…"). They are masked in place; the escape sequences stay.
 */
export function redact(text: string, allow: readonly string[] = [], known: readonly string[] = []): string {
  text = maskKnown(text, allow, known);
  if (!text.includes('_')) return text; // every secret of Stripe's shape has one; most lines have none
  const { plain, at } = withoutEscapes(text);
  let out = '';
  let done = 0;
  for (const secret of findSecrets(plain, MIN_BODY, (i) => at(i - 1) + 1 !== at(i))) {
    if (allow.includes(secret.text)) continue;
    const start = at(secret.index);
    const end = at(secret.index + secret.text.length - 1) + 1;
    const escapesInside = text.slice(start, end).match(ANSI)?.join('') ?? '';
    out += text.slice(done, start) + mask(secret) + escapesInside;
    done = end;
  }
  return out + text.slice(done);
}

/** Redacts every string inside a JSON-able value (for --json output). */
export function redactDeep<T>(value: T, allow: readonly string[] = [], known: readonly string[] = []): T {
  if (typeof value === 'string') return redact(value, allow, known) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, allow, known)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactDeep(item, allow, known);
    return out as T;
  }
  return value;
}
