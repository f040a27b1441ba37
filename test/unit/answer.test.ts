/** The app's answer in one line: what reports and listen show of a non-2xx body, never a terminal escape. */
import { describe, expect, it } from 'vitest';
import { answeredError, oneLine } from '../../src/lib/answer.js';

describe('answeredError', () => {
  it('folds the body into one line, cut at 120 characters', () => {
    expect(answeredError(500, '{\n  "error": "boom"\n}')).toBe('the app answered 500: { "error": "boom" }');
    expect(answeredError(502, 'x'.repeat(200))).toBe(`the app answered 502: ${'x'.repeat(119)}…`);
    expect(answeredError(404, '')).toBe('the app answered 404');
  });

  it('shows control characters from the app as spaces: an escape sequence never reaches the terminal', () => {
    const text = answeredError(500, 'boom\x1b]0;owned\x07 \x1b[2J\x1b[31mred\x00');
    expect(text).not.toMatch(/\p{Cc}/u);
    expect(text).toBe('the app answered 500: boom ]0;owned [2J [31mred');
  });
});

describe('oneLine', () => {
  it('folds whitespace and control characters, and cuts at max', () => {
    expect(oneLine('a\tb\x1b\x07c', 160)).toBe('a b c');
    expect(oneLine('abcdef', 4)).toBe('abc…');
  });
});
