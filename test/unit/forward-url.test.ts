/**
 * `parseForwardUrl`: the forms of --forward-to the Stripe CLI accepts (and
 * Stripe's docs use), which `listen` once refused with exit 2.
 */
import { describe, expect, it } from 'vitest';
import { parseForwardUrl } from '../../src/lib/forward-url.js';

describe('parseForwardUrl', () => {
  it.each([
    ['4242', 'http://localhost:4242/'], // a port on localhost
    ['/webhook', 'http://localhost/webhook'], // a path on localhost
    ['localhost:4242/webhook', 'http://localhost:4242/webhook'], // no scheme means http
    ['127.0.0.1:3000/api/webhooks', 'http://127.0.0.1:3000/api/webhooks'],
    ['http://localhost:4242/webhook', 'http://localhost:4242/webhook'],
    [' https://app.test ', 'https://app.test/'],
  ])('%j -> %s', (value, url) => {
    expect(parseForwardUrl(value)).toBe(url);
  });

  it.each([
    ['ftp://host/x', /--forward-to "ftp:\/\/host\/x" must be an http\(s\) URL with a host/],
    ['', /--forward-to needs a URL/],
    ['--live', /--forward-to needs a URL/],
  ])('refuses %j, naming the flag', (value, message) => {
    expect(() => parseForwardUrl(value)).toThrow(message);
    expect(() => parseForwardUrl(value, '--forward-connect-to')).toThrow(/^--forward-connect-to /);
  });
});
