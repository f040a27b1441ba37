import { describe, expect, it } from 'vitest';
import { redact, redactDeep } from '../../src/lib/redact.js';

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

  it('redacts every string in a JSON value', () => {
    expect(redactDeep({ a: ['sk_test_abcdefghijklmnop'], b: 1 })).toEqual({ a: ['sk_test_…mnop'], b: 1 });
  });
});
