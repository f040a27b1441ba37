/**
 * The shapes of Stripe's secrets, in one place: redaction (lib/redact.ts), key descriptions
 * (lib/stripe-key.ts) and the "does this look like Stripe's" check of signing secrets
 * (offline/sign.ts) all read them from here, so what we sign with is what we mask.
 *
 * - API keys: `sk_` (secret), `rk_` (restricted) or `rkcs_`, then `test_` or `live_` (optional for old
 *   keys), then letters and digits.
 * - Webhook signing secrets: `whsec_`, then base64: Dashboard ones are 32 letters and digits, `stripe listen`
 *   ones 64 hex digits, and older ones carry `+`, `/` and `=`.
 */
import { UsageError } from '../errors.js';

/** Where apps (and Stripe's docs) keep the webhook signing secret. */
export const SECRET_ENV = 'STRIPE_WEBHOOK_SECRET';

/**
 * The name thin events' secret is kept under beside the snapshot events' `name`: `listen --dotenv` writes a thin
 * session's own secret there, and offline runs read it from there (`STRIPE_WEBHOOK_SECRET_THIN`).
 */
export const thinSecretName = (name: string): string => `${name}_THIN`;

export type SecretPrefix = 'sk' | 'rk' | 'rkcs' | 'whsec';

export interface SecretMatch {
  /** Where the secret starts in the searched text. */
  index: number;
  /** The whole secret. */
  text: string;
  prefix: SecretPrefix;
  mode?: 'test' | 'live';
  body: string;
}

const MODE = '(?:(test|live)_)?';
const KEY = `(sk|rk|rkcs)_${MODE}([A-Za-z0-9]+)`;
const WEBHOOK = `(whsec)_${MODE}([A-Za-z0-9+/=]+)`;

const WORD = /[A-Za-z0-9_]/;

/**
 * Every secret in `text` whose body has at least `minBody` characters (8 keeps prose such as "sk_test_…" or
 * "whsec_…" readable). A secret starts where a word does, or where `breakBefore(i)` says the text was cut
 * (redaction: right after a terminal escape sequence it took out).
 */
export function* findSecrets(text: string, minBody: number, breakBefore: (i: number) => boolean = () => false): Generator<SecretMatch> {
  const pattern = new RegExp(`${KEY}|${WEBHOOK}`, 'g');
  const atWordStart = (i: number) => i === 0 || !WORD.test(text[i - 1]!) || breakBefore(i);
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const [whole, keyPrefix, keyMode, keyBody, hookPrefix, hookMode, hookBody] = match;
    const body = (keyBody ?? hookBody)!;
    if (!atWordStart(match.index) || body.length < minBody) {
      // Not a secret here ("desk_…"), but one may start inside this match: look again one character on.
      pattern.lastIndex = match.index + 1;
      continue;
    }
    const prefix = (keyPrefix ?? hookPrefix) as SecretPrefix;
    yield { index: match.index, text: whole, prefix, mode: (keyMode ?? hookMode) as SecretMatch['mode'], body };
  }
}

/** The whole value read as one secret, or undefined when it is not exactly one. */
export function parseSecret(value: string): SecretMatch | undefined {
  const [match] = findSecrets(value, 1);
  return match && match.index === 0 && match.text === value ? match : undefined;
}

/** Whether a webhook signing secret has the shape of Stripe's (shorter ones are hand-made test secrets). */
export function isStripeWebhookSecret(value: string): boolean {
  const secret = parseSecret(value);
  return secret?.prefix === 'whsec' && secret.mode === undefined && secret.body.length >= 16;
}

// Secret (sk_), restricted (rk_, rkcs_) and publishable (pk_) keys: never a signing secret.
const API_KEY = /^(sk|rk|rkcs|pk)_/;

/**
 * Throws the usage error for an API key given as the signing secret (from `source`: --secret, an option, a
 * variable): the deliveries would be signed with it and every app would refuse them. The key is never echoed.
 */
export function refuseApiKey(value: string, source: string): void {
  const prefix = API_KEY.exec(value)?.[1];
  if (prefix === undefined) return;
  throw new UsageError(`the signing secret from ${source} looks like an API key (${prefix}_…); signing secrets start with whsec_`, {
    hint: "use your endpoint's signing secret: `stripe-hooks listen --print-secret` prints the one `stripe listen` signs with, and the Dashboard shows each webhook endpoint's on its page",
  });
}
