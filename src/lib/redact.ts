/**
 * The one redaction helper every output path goes through. Stripe secrets must
 * never reach a terminal or a log unless the user asked for that exact value
 * (e.g. `listen --print-secret`), in which case the caller passes it in `allow`.
 */
// Real key bodies are dozens of characters; requiring 8 keeps prose such as "sk_test_…" readable.
const SECRET = /\b(sk|rk|whsec|rkcs)_(?:(test|live)_)?([A-Za-z0-9]{8,})/g;

export function redact(text: string, allow: readonly string[] = []): string {
  return text.replace(SECRET, (match, prefix: string, mode: string | undefined, body: string) => {
    if (allow.includes(match)) return match;
    const kept = mode ? `${prefix}_${mode}_` : `${prefix}_`;
    return `${kept}${body.length > 8 ? '…' + body.slice(-4) : '…'}`;
  });
}

/** Redacts every string inside a JSON-able value (for --json output). */
export function redactDeep<T>(value: T, allow: readonly string[] = []): T {
  if (typeof value === 'string') return redact(value, allow) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, allow)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactDeep(item, allow);
    return out as T;
  }
  return value;
}
