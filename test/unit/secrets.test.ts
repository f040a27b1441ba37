import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/lib/redact.js';
import { findSecrets, isStripeWebhookSecret, parseSecret } from '../../src/lib/secrets.js';
import { describeKey } from '../../src/lib/stripe-key.js';
import { generateWebhookSecret } from '../../src/offline/random.js';

describe('the secret grammar', () => {
  it('knows Stripe-shaped webhook secrets: Dashboard, `stripe listen` and base64 with + / =', () => {
    expect(isStripeWebhookSecret(generateWebhookSecret())).toBe(true);
    expect(isStripeWebhookSecret('whsec_' + '0123456789abcdef'.repeat(4))).toBe(true);
    expect(isStripeWebhookSecret('whsec_abc+def/ghi=jklmnopq+rstu==')).toBe(true);
  });

  it('tells made-up secrets from Stripe\'s', () => {
    for (const other of ['whsec_test_secret', 'whsec_short', 'whsec_has spaces in it ok', 'my-app-secret', 'sk_test_123456789012345678', '']) {
      expect(isStripeWebhookSecret(other), other).toBe(false);
    }
  });

  it('reads keys: prefix, mode, body', () => {
    expect(parseSecret('rk_live_abc123')).toMatchObject({ prefix: 'rk', mode: 'live', body: 'abc123' });
    expect(parseSecret('sk_test_abc def')).toBeUndefined();
    expect(describeKey('sk_test_abc')).toEqual({ kind: 'secret', mode: 'test' });
    expect(describeKey('rk_live_abc')).toEqual({ kind: 'restricted', mode: 'live' });
    expect(describeKey('rkcs_test_abc')).toBeUndefined();
    expect(describeKey('sk_abc')).toBeUndefined();
  });

  it('finds secrets only where a word starts', () => {
    expect([...findSecrets('desk_abcdefghijkl sk_test_abcdefghijkl', 8)].map((s) => s.index)).toEqual([18]);
  });

  it('redaction masks all of every secret the grammar calls Stripe\'s', () => {
    for (let i = 0; i < 200; i++) {
      const secret = 'whsec_' + randomBytes(12 + (i % 40)).toString('base64');
      expect(isStripeWebhookSecret(secret), secret).toBe(true);
      const out = redact(`\x1b[1m${secret}\x1b[0m, then text`);
      expect(out).toBe(`\x1b[1mwhsec_…${secret.slice(-4)}\x1b[0m, then text`);
    }
  });
});
