/**
 * Seeded randomness for synthesized events: the same seed gives the same ids,
 * amounts and delivery order on every machine (Math.random cannot be seeded).
 * Secrets never come from here: see generateWebhookSecret.
 */
import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Characters after the prefix in the ids this tool makes (`pi_` + 24), as in Stripe's test-mode ids. */
const ID_LENGTH = 24;

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  /** `length` letters and digits (after `prefix`, if given). */
  token(length: number, prefix?: string): string;
  /** `prefix_` + 24 letters and digits, the shape of Stripe's ids. */
  id(prefix: string): string;
  /** A shuffled copy (Fisher–Yates). */
  permutation<T>(items: readonly T[]): T[];
}

/** mulberry32: tiny, fast and well distributed enough for test data (not for secrets). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  // Built from char codes in one go into one flat string: concatenation would leave ropes
  // behind every id, and a burst keeps thousands of ids alive at once.
  const token = (length: number, prefix = ''): string => {
    const codes = new Array<number>(prefix.length + length);
    for (let i = 0; i < prefix.length; i++) codes[i] = prefix.charCodeAt(i);
    for (let i = prefix.length; i < codes.length; i++) codes[i] = ALPHABET.charCodeAt(int(ALPHABET.length));
    return String.fromCharCode(...codes);
  };
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    token,
    id: (prefix) => token(ID_LENGTH, `${prefix}_`),
    permutation(items) {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
  };
}

/**
 * The seed of flow instance `index` of a run: independent of which instance happens
 * to start first under --concurrency, so `--seed` reproduces every instance.
 */
export function instanceSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seed for runs without --seed. */
export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}

/** A fresh signing secret in the Dashboard's shape (`whsec_` + 32 letters and digits), from the OS's CSPRNG. */
export function generateWebhookSecret(): string {
  let body = '';
  for (let i = 0; i < 32; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return `whsec_${body}`;
}
