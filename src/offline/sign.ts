/**
 * Signing exactly as Stripe does: `Stripe-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 keyed with the whole whsec_ string over "<t>.<raw body>">`. The SDKs'
 * constructEvent recomputes this over the raw bytes it received and rejects a `t`
 * more than 300 s old.
 */
import { createHmac } from 'node:crypto';
import { UsageError } from '../errors.js';

/** The SDKs' default tolerance for the signature's timestamp, in seconds. */
export const SIGNATURE_TOLERANCE_S = 300;

function signature(body: string, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export function signatureHeader(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${signature(body, secret, timestamp)}`;
}

// Dashboard secrets are whsec_ + 32 letters and digits; `stripe listen` ones whsec_ + 64 hex digits.
const SECRET = /^whsec_[A-Za-z0-9+/=]{16,}$/;

export function isWebhookSecret(value: string): boolean {
  return SECRET.test(value);
}

/** Rejects a malformed secret before anything is sent; `source` says where it came from. */
export function assertWebhookSecret(value: string, source: string): string {
  if (isWebhookSecret(value)) return value;
  const why = value.startsWith('whsec_') ? 'is too short or has characters a signing secret never has' : 'does not start with whsec_';
  throw new UsageError(`the signing secret from ${source} ${why}`, {
    hint: 'use the endpoint\'s secret (Dashboard > Webhooks > Signing secret, or `stripe-hooks listen --print-secret`), or give none to have one generated',
  });
}
