import { describe, expect, it } from 'vitest';
import { maskSecret, redact, redactDeep } from '../../src/lib/redact.js';

describe('redact', () => {
  it('masks secret keys, restricted keys and webhook secrets', () => {
    const text = 'key sk_test_51Habcdefghijklmnop rk_live_abcdefghijkl1234 secret whsec_0123456789abcdef0123';
    const out = redact(text);
    expect(out).not.toContain('sk_test_51Habcdefghijklmnop');
    expect(out).not.toContain('rk_live_abcdefghijkl1234');
    expect(out).not.toContain('whsec_0123456789abcdef0123');
    expect(out).toContain('sk_test_…mnop');
    expect(out).toContain('whsec_…0123');
  });

  it('lets through exactly the values the user asked for', () => {
    const secret = 'whsec_0123456789abcdef0123';
    expect(redact(`${secret} whsec_ffffffffffffffff9999`, [secret])).toBe(`${secret} whsec_…9999`);
  });

  it('leaves key shapes in prose alone', () => {
    expect(redact('a test key, sk_test_… or rk_test_…, or whsec_…')).toBe('a test key, sk_test_… or rk_test_…, or whsec_…');
  });

  it('leaves ordinary text alone', () => {
    expect(redact('evt_1234567890 pi_abc desk_top')).toBe('evt_1234567890 pi_abc desk_top');
  });

  it('masks a secret right after a terminal colour code, keeping the colours', () => {
    const bold = '\x1b[1mwhsec_probe1234567890abcdef\x1b[0m';
    expect(redact(`Your webhook signing secret is ${bold} (^C to quit)`)).toBe('Your webhook signing secret is \x1b[1mwhsec_…cdef\x1b[0m (^C to quit)');
    expect(redact('\x1b[32msk_test_51Habcdefghijklmnop\x1b[39m')).toBe('\x1b[32msk_test_…mnop\x1b[39m');
    // Right after an escape sequence even when a letter precedes it, and behind a hyperlink (OSC 8).
    expect(redact('key:\x1b[0mrk_live_abcdefghijkl1234')).toBe('key:\x1b[0mrk_live_…1234');
    expect(redact('\x1b]8;;https://x.test\x1b\\whsec_0123456789abcdef0123\x1b]8;;\x1b\\')).toBe('\x1b]8;;https://x.test\x1b\\whsec_…0123\x1b]8;;\x1b\\');
  });

  it('masks a secret that an escape sequence cuts in two, and keeps the escape', () => {
    expect(redact('whsec_0123456789\x1b[1mabcdef0123\x1b[0m')).toBe('whsec_…0123\x1b[1m\x1b[0m');
  });

  it('masks the whole of a webhook secret with + / = in it, as signing accepts', () => {
    const secret = 'whsec_abc+def/ghi=jklmnopq+rstu==';
    const out = redact(`secret ${secret} end`);
    expect(out).toBe('secret whsec_…tu== end');
    for (const part of ['abc', 'def', 'ghi', 'jklmnopq']) expect(out).not.toContain(part);
  });

  it('still lets an allowed secret through after a colour code', () => {
    const secret = 'whsec_0123456789abcdef0123';
    expect(redact(`\x1b[1m${secret}\x1b[0m`, [secret])).toBe(`\x1b[1m${secret}\x1b[0m`);
  });

  it('redacts every string in a JSON value', () => {
    expect(redactDeep({ a: ['sk_test_abcdefghijklmnop'], b: 1 })).toEqual({ a: ['sk_test_…mnop'], b: 1 });
  });
});

describe('maskSecret', () => {
  it('shows which secret without giving it away, whatever its shape', () => {
    expect(maskSecret('whsec_0123456789abcdef0123456789abcdef')).toBe('whsec_…cdef');
    expect(maskSecret('whsec_test_secret')).toBe('whsec_test_…');
    expect(maskSecret('whsec_A')).toBe('whsec_…');
    expect(maskSecret('whsec_test_secret_for_this_suite')).toBe('whsec_…uite');
    expect(maskSecret('my-signing-secret-value')).toBe('…alue');
    expect(maskSecret('short')).toBe('…');
  });
});

describe('secrets the run knows', () => {
  it('are masked wherever they appear, whatever their length or shape, unless allowed', () => {
    expect(redact('bad signature for whsec_test_secret', [], ['whsec_test_secret'])).toBe('bad signature for whsec_test_…');
    expect(redact('secret=my-signing-secret-value;', [], ['my-signing-secret-value'])).toBe('secret=…alue;');
    expect(redact('xwhsec_test_secretx', [], ['whsec_test_secret'])).not.toContain('whsec_test_secret');
    expect(redact('whsec_test_secret', ['whsec_test_secret'], ['whsec_test_secret'])).toBe('whsec_test_secret');
    expect(redactDeep({ body: ['whsec_test_secret'] }, [], ['whsec_test_secret'])).toEqual({ body: ['whsec_test_…'] });
  });
});
