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

/**
 * What the relay spends on requests it has not verified yet, since anyone who reads the token from `ps` can send
 * them: bytes buffered across all connections, open connections, and how long headers and bodies may take. A
 * verified delivery is no longer counted: its wait for the app's answer is the app's time.
 */
export interface Limits {
  /**
   * Unverified body bytes held across all connections. Past it, the request holding the most gets 503 and is
   * closed (the one that would pass the cap, if it would then hold the most itself).
   */
  unverifiedBytes: number;
  /** Open connections; past it a new one evicts the oldest that never carried a verified delivery. */
  connections: number;
  /** From a request's first byte to the end of its headers, then to the end of its body (408 and closed). */
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

export const LIMITS: Limits = { unverifiedBytes: 32 << 20, connections: 64, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 };

/**
 * Bytes held against a cap, by holder, with the high-water mark. A holder whose next bytes do not fit evicts the
 * largest other holder, as long as that one holds more than it would: a flood of big unverified bodies cannot
 * keep a Stripe event (tens of KiB) out, and whoever holds the most is the first to go.
 */
export class Budget<Holder> {
  held = 0;
  peak = 0;
  private readonly holders = new Map<Holder, { bytes: number; evict: () => void }>();

  constructor(private readonly cap: number) {}

  /** Counts `bytes` for `holder` if they fit (evicting bigger holders as needed); false (nothing counted) if not. */
  take(holder: Holder, bytes: number, evict: () => void): boolean {
    const mine = this.holders.get(holder) ?? { bytes: 0, evict };
    while (this.held + bytes > this.cap) {
      let largest: Holder | undefined;
      for (const [other, { bytes: theirs }] of this.holders) if (other !== holder && theirs > (largest === undefined ? 0 : this.holders.get(largest)!.bytes)) largest = other;
      const victim = largest === undefined ? undefined : this.holders.get(largest)!;
      if (!victim || victim.bytes <= mine.bytes + bytes) return false;
      this.give(largest!);
      victim.evict();
    }
    mine.bytes += bytes;
    this.holders.set(holder, mine);
    this.held += bytes;
    this.peak = Math.max(this.peak, this.held);
    return true;
  }

  /** Everything `holder` held is free again (once; later calls do nothing). */
  give(holder: Holder): void {
    const entry = this.holders.get(holder);
    if (!entry) return;
    this.holders.delete(holder);
    this.held -= entry.bytes;
  }
}

/**
 * Open connections, at most `cap`. At the cap, a new connection evicts the oldest one that has not carried a
 * verified delivery (a flood of idle or slow ones cannot lock out the Stripe CLI); when every one has, it is
 * refused itself.
 */
export class ConnectionGate<Socket extends { destroy(): void; once(event: 'close', listener: () => void): unknown }> {
  private readonly trusted = new Set<Socket>();
  /** In arrival order: the first is the oldest. */
  private readonly untrusted = new Set<Socket>();

  constructor(private readonly cap: number) {}

  get open(): number {
    return this.trusted.size + this.untrusted.size;
  }

  admit(socket: Socket): void {
    if (this.open >= this.cap) {
      const oldest = this.untrusted.values().next();
      if (oldest.done) return socket.destroy();
      this.untrusted.delete(oldest.value);
      oldest.value.destroy();
    }
    this.untrusted.add(socket);
    socket.once('close', () => this.trusted.delete(socket) || this.untrusted.delete(socket));
  }

  /** The socket carried a verified delivery: it is the Stripe CLI's, and stays. */
  trust(socket: Socket): void {
    if (this.untrusted.delete(socket)) this.trusted.add(socket);
  }
}
