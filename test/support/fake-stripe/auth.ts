/**
 * Stripe's API-key check: `Authorization: Bearer <key>` (or Basic `<key>:`), 401 with Stripe's
 * own messages otherwise. The fake is a test-mode account, so by default any test key passes.
 */
import { invalidRequest } from './store.js';

function keyFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value.trim() || undefined;
  if (scheme?.toLowerCase() === 'basic') return Buffer.from(value, 'base64').toString('utf8').split(':')[0] || undefined;
  return undefined;
}

function masked(key: string): string {
  const prefix = /^(sk|rk)_(test|live)_/.exec(key)?.[0] ?? '';
  return `${prefix}${'*'.repeat(Math.max(4, key.length - prefix.length - 4))}${key.slice(-4)}`;
}

/** Throws Stripe's 401 unless the header carries an accepted key. */
export function checkApiKey(header: string | undefined, accepted?: readonly string[]): void {
  const key = keyFrom(header);
  if (!key) {
    throw invalidRequest(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      {},
      401,
    );
  }
  const ok = accepted ? accepted.includes(key) : /^(sk|rk)_test_\w+$/.test(key);
  if (!ok) throw invalidRequest(`Invalid API Key provided: ${masked(key)}`, {}, 401);
}
