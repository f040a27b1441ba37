/**
 * Which requests the relay lets through: only what Stripe signed with this
 * session's secret, within the SDKs' 300 s tolerance. The secret is known once
 * `stripe listen` is ready, but the relay's URL (its token) is in the Stripe
 * CLI's argv from the moment it is spawned, where any local user can read it: a
 * request arriving before the secret is known is held, not let through, and
 * judged once it is. Held requests are bounded; past the bound they are refused.
 */
import { signedWith, SIGNATURE_TOLERANCE_S } from '../offline/sign.js';

export type Verdict = 'admit' | Refusal;
/**
 * Why a request was refused: `token` (the relay's path without the run's token), `signature` (not signed with
 * the session's secret), `stale` (signed, but outside the tolerance), `busy` (too many held before the secret
 * was known), `closed` (the run ended first).
 */
export type Refusal = 'token' | 'signature' | 'stale' | 'busy' | 'closed';

/** Requests held before `stripe listen` is ready; the Stripe CLI forwards nothing until then. */
const MAX_HELD = 64;

interface Held {
  body: Buffer;
  header: string | undefined;
  settle: (verdict: Verdict) => void;
}

export class Admission {
  private secret: string | undefined;
  private held: Held[] = [];
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** The verdict on one request: at once when the secret is known, else once it is (or the run ends). */
  judge(body: Buffer, header: string | undefined): Verdict | Promise<Verdict> {
    if (this.closed) return 'closed';
    if (this.secret !== undefined) return this.verify(body, header, this.secret);
    if (this.held.length >= MAX_HELD) return 'busy';
    return new Promise((settle) => this.held.push({ body, header, settle }));
  }

  /** The session's secret (again after a reconnect, which may bring a new session): held requests are judged now. */
  learn(secret: string): void {
    this.secret = secret;
    for (const held of this.held.splice(0)) held.settle(this.verify(held.body, held.header, secret));
  }

  close(): void {
    this.closed = true;
    for (const held of this.held.splice(0)) held.settle('closed');
  }

  private verify(body: Buffer, header: string | undefined, secret: string): Verdict {
    if (!signedWith(body, header, secret)) return 'signature';
    // The `t` signedWith() verified: the first one (it checked it is digits).
    const t = Number((header ?? '').split(',').find((part) => part.startsWith('t='))!.slice(2));
    return Math.abs(this.now() / 1000 - t) <= SIGNATURE_TOLERANCE_S ? 'admit' : 'stale';
  }
}
