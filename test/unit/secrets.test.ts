import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireSecret } from '../../src/api/common.js';
import { UsageError } from '../../src/errors.js';
import { redact } from '../../src/lib/redact.js';
import { findSecrets, isStripeWebhookSecret, parseSecret } from '../../src/lib/secrets.js';
import { describeKey } from '../../src/lib/stripe-key.js';
import { generateWebhookSecret } from '../../src/offline/random.js';
import { givenSecret, pendingSecret } from '../../src/offline/secret.js';

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

describe('an API key given as the signing secret', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'stripe-hooks-secret-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const KEYS = ['sk_test_51AbCdEfGhIjKlMnOpQrStUv', 'rk_live_51AbCdEfGhIjKlMnOpQrStUv', 'pk_test_51AbCdEfGhIjKlMnOpQrStUv', 'rkcs_test_51AbCdEfGhIjKl'];

  const refusal = async (work: () => unknown): Promise<UsageError> => {
    try {
      await work();
    } catch (error) {
      return error as UsageError;
    }
    throw new Error('accepted');
  };

  it.each(KEYS)('%s is a usage error from --secret, STRIPE_WEBHOOK_SECRET, --dotenv and the library, the key never echoed', async (key) => {
    writeFileSync(join(cwd, '.env'), `STRIPE_WEBHOOK_SECRET=${key}\n`);
    const errors = [
      await refusal(() => givenSecret({ flag: key, env: {}, cwd })),
      await refusal(() => givenSecret({ env: { STRIPE_WEBHOOK_SECRET: key }, cwd })),
      await refusal(() => givenSecret({ dotenv: '.env', env: {}, cwd })),
      await refusal(() => requireSecret(key)),
    ];
    expect(errors.map((error) => error.message.split(' looks')[0])).toEqual([
      'the signing secret from --secret',
      'the signing secret from STRIPE_WEBHOOK_SECRET',
      'the signing secret from STRIPE_WEBHOOK_SECRET in .env',
      'the signing secret from the secret option',
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(UsageError);
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(/looks like an API key \((sk|rk|rkcs|pk)_…\); signing secrets start with whsec_$/);
      expect(error.hint).toContain('stripe-hooks listen --print-secret');
      expect(`${error.message} ${error.hint}`).not.toContain(key.slice(8));
    }
  });

  it('any other non-empty secret is taken, Stripe-shaped or not', async () => {
    expect(await givenSecret({ flag: 'whsec_test_secret', env: {}, cwd })).toMatchObject({ value: 'whsec_test_secret', stripeShaped: false });
    expect(await givenSecret({ env: { STRIPE_WEBHOOK_SECRET: 'my-secret' }, cwd })).toMatchObject({ value: 'my-secret', source: 'STRIPE_WEBHOOK_SECRET' });
    expect(requireSecret(' whsec_0123456789abcdef0123 ')).toBe('whsec_0123456789abcdef0123');
    expect(requireSecret('desk_test_123456789')).toBe('desk_test_123456789');
  });
});

describe('the secret of an offline run (pendingSecret)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'stripe-hooks-pending-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('generates one only when settled, into --dotenv when named (a --dry-run, which never settles, writes nothing)', async () => {
    const pending = await pendingSecret({ dotenv: 'app.env', env: {}, cwd });
    expect(existsSync(join(cwd, 'app.env'))).toBe(false);
    const secret = await pending.settle();
    expect(secret).toMatchObject({ generated: true, writtenTo: 'app.env' });
    expect(isStripeWebhookSecret(secret.value)).toBe(true);
    expect(readFileSync(join(cwd, 'app.env'), 'utf8')).toContain(`STRIPE_WEBHOOK_SECRET=${secret.value}`);
  });

  it('settles on a given one without writing, and refuses a bad one before anything is settled', async () => {
    const pending = await pendingSecret({ dotenv: 'other.env', env: { STRIPE_WEBHOOK_SECRET: 'whsec_test_secret' }, cwd });
    expect(await pending.settle()).toMatchObject({ value: 'whsec_test_secret', generated: false, source: 'STRIPE_WEBHOOK_SECRET' });
    expect(existsSync(join(cwd, 'other.env'))).toBe(false);
    await expect(pendingSecret({ flag: ' ', env: {}, cwd })).rejects.toThrow('--secret is empty');
  });

  it("thin events' own secret: --thin-secret, else STRIPE_WEBHOOK_SECRET_THIN in --dotenv, else in the environment; none: absent, never generated", async () => {
    writeFileSync(join(cwd, 'thin.env'), 'STRIPE_WEBHOOK_SECRET=whsec_runfromfile\nSTRIPE_WEBHOOK_SECRET_THIN=whsec_thinfromfile\n');
    const env = { STRIPE_WEBHOOK_SECRET_THIN: 'whsec_thinfromenv' };
    expect((await pendingSecret({ thinFlag: 'whsec_thinflag', dotenv: 'thin.env', env, cwd })).thin).toMatchObject({ value: 'whsec_thinflag', source: '--thin-secret' });
    expect((await pendingSecret({ dotenv: 'thin.env', env, cwd })).thin).toMatchObject({ value: 'whsec_thinfromfile', source: 'STRIPE_WEBHOOK_SECRET_THIN in thin.env' });
    expect((await pendingSecret({ env, cwd })).thin).toMatchObject({ value: 'whsec_thinfromenv', source: 'STRIPE_WEBHOOK_SECRET_THIN' });
    const none = await pendingSecret({ dotenv: 'fresh.env', env: {}, cwd });
    expect(none.thin).toBeUndefined();
    await none.settle();
    expect(readFileSync(join(cwd, 'fresh.env'), 'utf8')).not.toContain('_THIN'); // only the run's secret is generated
    await expect(pendingSecret({ thinFlag: '', env: {}, cwd })).rejects.toThrow('--thin-secret is empty');
    await expect(pendingSecret({ env: { STRIPE_WEBHOOK_SECRET_THIN: 'rk_test_1234567890abcdef' }, cwd })).rejects.toThrow('the signing secret from STRIPE_WEBHOOK_SECRET_THIN looks like an API key');
  });
});
