/**
 * The relay's delivery facts (src/relay/delivery-facts.ts): an event's facts from the bytes the relay forwards, and the excerpt of the
 * app's answer (2 KiB at most, whole characters, decoded, secrets masked).
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bodyExcerpt, eventFacts } from '../../src/relay/delivery-facts.js';

describe('eventFacts', () => {
  it('reads id, type, livemode, account, api_version and created', () => {
    const body = Buffer.from(JSON.stringify({ id: 'evt_1', type: 'account.updated', livemode: true, account: 'acct_1', api_version: null, created: 1_800_000_000, data: {} }));
    expect(eventFacts(body)).toEqual({ id: 'evt_1', type: 'account.updated', livemode: true, account: 'acct_1', apiVersion: null, created: 1_800_000_000 });
  });

  it('reads a thin event: context as the account, its ISO created in seconds, related_object as the object; no api_version', () => {
    const thin = { id: 'evt_test_65R9', object: 'v2.core.event', type: 'v1.billing.meter.no_meter_found', created: '2026-12-05T15:00:00.250Z', livemode: false, context: 'acct_1', related_object: { id: 'mtr_1', type: 'billing.meter', url: '/v1/billing/meters/mtr_1' }, reason: null };
    expect(eventFacts(Buffer.from(JSON.stringify(thin)))).toEqual({ id: 'evt_test_65R9', type: 'v1.billing.meter.no_meter_found', livemode: false, account: 'acct_1', created: Date.UTC(2026, 11, 5, 15) / 1000 + 0.25, objectId: 'mtr_1', thin: true });
    expect(eventFacts(Buffer.from(JSON.stringify({ ...thin, context: null, related_object: null, created: 'soon' })))).toEqual({ id: 'evt_test_65R9', type: 'v1.billing.meter.no_meter_found', livemode: false, thin: true });
  });

  it.each(['not json', 'null', '"evt_1"', '[1,2]', '{"id":7,"type":["x"],"created":"1800000000","livemode":"true"}'])('has no facts in %j', (text) => {
    expect(Object.values(eventFacts(Buffer.from(text))).filter((value) => value !== undefined)).toEqual([]);
  });
});

describe('bodyExcerpt', () => {
  it('keeps a short body whole', () => {
    expect(bodyExcerpt(Buffer.from('{"ok":false}\n'))).toBe('{"ok":false}\n');
    expect(bodyExcerpt(Buffer.alloc(0))).toBe('');
  });

  it('cuts at 2 KiB on a character boundary', () => {
    const cut = bodyExcerpt(Buffer.from(`${'x'.repeat(2047)}€tail`));
    expect(cut).toBe('x'.repeat(2047));
    expect(bodyExcerpt(Buffer.from('é'.repeat(2000)))).toBe('é'.repeat(1024));
  });

  it('masks secrets', () => {
    expect(bodyExcerpt(Buffer.from('key sk_live_51AbCdEfGhIjKlMnOpQr, secret whsec_0123456789abcdef'))).toBe('key sk_live_…OpQr, secret whsec_…cdef');
  });

  it.each([
    ['gzip', gzipSync],
    ['GZip ', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('decodes a %j body before it cuts and masks', (coding, encode) => {
    const start = '{"error":"bad key sk_test_51AbCdEfGhIjKlMnOpQr"} ';
    const excerpt = bodyExcerpt(encode(Buffer.from(start + 'y'.repeat(3000))), coding);
    expect(excerpt).toBe(`{"error":"bad key sk_test_…OpQr"} ${'y'.repeat(2048 - start.length)}`);
  });

  it('decodes the start of a gzip body that was cut off', () => {
    const coded = gzipSync(Buffer.from(Array.from({ length: 5000 }, (_, i) => i.toString(36)).join(' ')));
    expect(bodyExcerpt(coded.subarray(0, coded.length >> 1), 'gzip')).toMatch(/^0 1 2 3 4 5 6 7 8 9 a b /);
  });

  it("shows an HTML answer as its text (Express's default 404), secrets in it masked", () => {
    const page = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><pre>Cannot POST /webhooks</pre></body></html>';
    expect(bodyExcerpt(Buffer.from(page))).toBe('Cannot POST /webhooks');
    expect(bodyExcerpt(gzipSync(Buffer.from(page)), 'gzip')).toBe('Cannot POST /webhooks');
    expect(bodyExcerpt(Buffer.from('<h1>No</h1><p>key sk_test_51AbCdEfGhIjKlMnOpQr</p>'), 'identity', 'text/html')).toBe('No key sk_test_…OpQr');
  });

  it('says what it cannot decode instead of showing raw bytes', () => {
    expect(bodyExcerpt(Buffer.from('not gzip at all'), 'gzip')).toBe('(15 bytes in Content-Encoding gzip, not shown)');
    expect(bodyExcerpt(Buffer.from([1, 2, 3]), 'zstd')).toBe('(3 bytes in Content-Encoding zstd, not shown)');
    expect(bodyExcerpt(gzipSync(Buffer.alloc(4 << 20)), 'gzip')).toBe(`(${gzipSync(Buffer.alloc(4 << 20)).length} bytes in Content-Encoding gzip, not shown)`);
  });
});
