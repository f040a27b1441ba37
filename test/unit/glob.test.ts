import { describe, expect, it } from 'vitest';
import { matchesGlob } from '../../src/lib/glob.js';

// The semantics globs had when they compiled to a regular expression: the reference the linear matcher must agree with.
const byRegex = (glob: string, type: string) => new RegExp(`^${glob.split('*').map((part) => part.replace(/[.]/g, '\\.')).join('.*')}$`).test(type);

// A seeded generator, so a failure repeats.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('matchesGlob', () => {
  it('agrees with the regular-expression semantics on random globs and types', () => {
    const next = random(19);
    const word = (alphabet: string, max: number) => Array.from({ length: Math.floor(next() * (max + 1)) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      // A small alphabet makes matches (and near misses) common.
      const glob = word('ab.*', 8);
      const type = word('ab.', 10);
      const expected = byRegex(glob, type);
      if (expected) matched++;
      expect(matchesGlob(glob, type), `${JSON.stringify(glob)} vs ${JSON.stringify(type)}`).toBe(expected);
    }
    expect(matched).toBeGreaterThan(1000); // the sample holds matches, not only misses
  });

  it('answers a pathological glob over a long type (a backtracking regex takes seconds here)', () => {
    const glob = `${'*a'.repeat(12)}*b`;
    expect(matchesGlob(glob, 'a'.repeat(64))).toBe(false);
    expect(matchesGlob(glob, `${'a'.repeat(63)}b`)).toBe(true);
  });
});
