import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../../src/offline/random.js';
import { signatureHeader, signedWith } from '../../src/offline/sign.js';
import { eventBody, synthesizeFlow } from '../../src/offline/synthesize.js';

const secret = 'whsec_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6';
const now = () => Math.floor(Date.now() / 1000);
const body = eventBody(synthesizeFlow(['payment_intent.succeeded'], { apiVersion: Stripe.API_VERSION, seed: 1, now: now() })[0]!);

describe('signatureHeader', () => {
  it('is exactly the header the SDK computes for the same timestamp', () => {
    const t = now();
    expect(signatureHeader(body, secret, t)).toBe(Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: t }));
  });

  it('verifies with the SDK\'s constructEvent, and only with the right secret, body and a recent timestamp', () => {
    const header = signatureHeader(body, secret);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(Stripe.webhooks.constructEvent(body, header, secret).type).toBe('payment_intent.succeeded');
    expect(() => Stripe.webhooks.constructEvent(body, header, generateWebhookSecret())).toThrow(/No signatures found/);
    expect(() => Stripe.webhooks.constructEvent(body.replace('"livemode": false', '"livemode": true'), header, secret)).toThrow(/No signatures found/);
    expect(() => Stripe.webhooks.constructEvent(body, signatureHeader(body, secret, now() - 301), secret)).toThrow(/tolerance/);
  });
});

describe('signedWith (the relay\'s check that Stripe signed what the Stripe CLI forwards)', () => {
  it('accepts what the SDK signs, among several v1 values, and nothing else', () => {
    const bytes = Buffer.from(body);
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    expect(signedWith(bytes, header, secret)).toBe(true);
    const [t, v1] = header.split(',');
    expect(signedWith(bytes, `${t},v1=${'0'.repeat(64)},${v1},v0=x`, secret)).toBe(true);
    expect(signedWith(bytes, header, generateWebhookSecret())).toBe(false);
    expect(signedWith(Buffer.from(body + ' '), header, secret)).toBe(false);
    for (const bad of [undefined, '', 't=,v1=', `${v1}`, `t=x,${v1}`, `${t},v1=${v1!.slice(3, -1)}`]) expect(signedWith(bytes, bad, secret)).toBe(false);
  });
});

describe('webhook secrets', () => {
  it('generates Dashboard-shaped secrets from the CSPRNG, never the same twice', () => {
    const secrets = Array.from({ length: 50 }, generateWebhookSecret);
    for (const value of secrets) expect(value).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    expect(new Set(secrets).size).toBe(50);
  });

  it('signs with any secret, Stripe-shaped or not, as the app will verify with it', () => {
    for (const any of ['whsec_test_secret', 'my-app-secret', 'whsec_abc+def/ghi=jklmnopq+rstu==']) {
      expect(Stripe.webhooks.constructEvent(body, signatureHeader(body, any), any).type).toBe('payment_intent.succeeded');
    }
  });
});
