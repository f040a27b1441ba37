import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../../src/lib/suggest.js';

describe('suggest', () => {
  it.each([
    ['payment_intent.succeded', 'payment_intent.succeeded'],
    ['invoice.draft.paid', 'invoice.paid'],
    ['lisen', 'listen'],
  ])('suggests %s -> %s', (input, expected) => {
    expect(suggest(input, ['listen', 'setup', 'invoice.paid', 'invoice.created', 'payment_intent.succeeded'])).toBe(expected);
  });

  it('returns undefined when nothing is close', () => {
    expect(suggest('subscription.triggered', ['invoice.paid', 'charge.succeeded', 'customer.subscription.updated'])).toBeUndefined();
  });

  it('computes edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
