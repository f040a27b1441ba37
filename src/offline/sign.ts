/**
 * Signing exactly as Stripe does: `Stripe-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 keyed with the whole secret string over "<t>.<raw body>">`. The SDKs'
 * constructEvent recomputes this over the raw bytes it received and rejects a `t`
 * more than 300 s old. Any secret signs: the app verifies with whatever it was given
 * (offline/secret.ts warns when it is not shaped like Stripe's).
 */
import { utf8 } from './bytes.js';

// node:crypto is loaded on the first signature, not on import: the library's entry imports this module, and
// crypto's internals are most of `import('stripe-hooks')`'s cost (docs/benchmarks.md). A static import would be
// hoisted by any bundle; process.getBuiltinModule (Node >= 20.16) loads it synchronously, as signPayload needs.
let crypto: typeof import('node:crypto') | undefined;
const hmac = (secret: string) => (crypto ??= process.getBuiltinModule('node:crypto')).createHmac('sha256', secret);

/** The SDKs' default tolerance for the signature's timestamp, in seconds. */
export const SIGNATURE_TOLERANCE_S = 300;

function signature(body: string, secret: string, timestamp: number): string {
  // Two updates, not one over `${timestamp}.${body}`: that would copy every body once more (a burst signs 90,000).
  return hmac(secret).update(`${timestamp}.`).update(utf8(body)).digest('hex');
}

export function signatureHeader(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${signature(body, secret, timestamp)}`;
}

/** Whether `header` (a Stripe-Signature) signs these exact bytes with `secret`; its age is not checked. */
export function signedWith(body: Buffer, header: string | undefined, secret: string): boolean {
  const parts = (header ?? '').split(',').map((part) => part.split('='));
  const t = parts.find(([key]) => key === 't')?.[1];
  if (t === undefined || !/^\d+$/.test(t)) return false;
  const expected = Buffer.from(hmac(secret).update(`${t}.`).update(body).digest('hex'));
  return parts.some(([key, value]) => key === 'v1' && value !== undefined && value.length === expected.length && crypto!.timingSafeEqual(Buffer.from(value), expected));
}
