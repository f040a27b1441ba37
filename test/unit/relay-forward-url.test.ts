/**
 * Forward URLs in the Stripe CLI's forms, and the routing built on them: every bad value is a
 * one-line UsageError (exit 2) naming the flag, never a stack or a half-parsed URL.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseForwardUrl } from '../../src/lib/forward-url.js';
import { matchesGlob } from '../../src/lib/glob.js';
import { isThinRoute, parseRoute, targetFor, type Routing } from '../../src/relay/routing.js';

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const usage = error as UsageError;
    expect(usage.exitCode).toBe(2);
    expect(usage.message).not.toContain('\n');
    return usage;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

describe('parseForwardUrl', () => {
  it.each([
    ['4242', 'http://localhost:4242/'],
    ['/webhook', 'http://localhost/webhook'],
    ['localhost:4242/webhook', 'http://localhost:4242/webhook'],
    ['127.0.0.1:3000/x', 'http://127.0.0.1:3000/x'],
    ['https://app.test:8443/hooks?x=1', 'https://app.test:8443/hooks?x=1'],
    ['HTTP://LocalHost:4242/Webhook', 'http://localhost:4242/Webhook'],
    ['  localhost:4242/webhook  ', 'http://localhost:4242/webhook'],
    ['[::1]:4242/w', 'http://[::1]:4242/w'],
  ])('%j → %s', (value, expected) => {
    expect(parseForwardUrl(value)).toBe(expected);
  });

  it.each([
    ['ftp://x', /--forward-to "ftp:\/\/x" must be an http\(s\) URL/],
    ['', /--forward-to needs a URL/],
    ['   ', /--forward-to needs a URL/],
    ['-x', /--forward-to needs a URL/],
    ['http://', /--forward-to "http:\/\/" is not a URL/],
    ['not a url', /--forward-to "not a url" is not a URL/],
    ['localhost:notaport/x', /is not a URL/],
    // No scheme before ://, so http:// in front would have made `ht!tp` the host.
    ['ht!tp://nope', /--forward-to "ht!tp:\/\/nope" must be an http\(s\) URL/],
  ])('refuses %j', (value, message) => {
    const error = usageError(() => parseForwardUrl(value));
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/--forward-to localhost:4242\/webhook/);
  });

  it('names the flag it parses', () => {
    expect(usageError(() => parseForwardUrl('ftp://x', '--forward-connect-to')).message).toMatch(/^--forward-connect-to /);
  });
});

describe('parseRoute', () => {
  it('splits GLOB=URL at the first = and parses the URL in the Stripe CLI forms', () => {
    expect(parseRoute('invoice.*=localhost:4000/billing')).toEqual({ glob: 'invoice.*', url: 'http://localhost:4000/billing' });
    expect(parseRoute(' customer.subscription.created = 4001')).toEqual({ glob: 'customer.subscription.created', url: 'http://localhost:4001/' });
    expect(parseRoute('*=https://app.test/a?b=c')).toEqual({ glob: '*', url: 'https://app.test/a?b=c' });
  });

  it.each([
    ['invoice.*', /is not GLOB=URL/],
    ['=localhost:4000', /is not GLOB=URL/],
    ['invoice.*=', /--route "invoice\.\*=": needs a URL/],
    ['invoice.[a-z]=4000', /"invoice.\[a-z\]" is not an event-type glob/],
    ['invoice.*|charge.*=4000', /is not an event-type glob/],
    ['invoice.*=ftp://x', /--route "invoice\.\*=ftp:\/\/x": "ftp:\/\/x" must be an http\(s\) URL/],
    ['invoice.*=not a url', /--route "invoice\.\*=not a url": "not a url" is not a URL/],
  ])('refuses %j', (value, message) => {
    const error = usageError(() => parseRoute(value));
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/--route 'GLOB=URL'/);
  });
});

describe('matchesGlob', () => {
  it.each([
    ['invoice.*', 'invoice.paid', true],
    ['invoice.*', 'invoice.payment_failed', true],
    ['customer.*', 'customer.subscription.created', true], // `*` spans dots
    ['*.created', 'customer.subscription.created', true],
    ['*', 'anything.at.all', true],
    ['invoice.paid', 'invoice.paid', true],
    ['invoice.*', 'invoice', false],
    ['invoice.*', 'invoiceitem.created', false],
    ['invoice.paid', 'invoice_paid', false], // a dot is a dot, not any character
    ['invoice.paid', 'invoice.paid.extra', false], // anchored at both ends
    ['invoice.paid', 'x.invoice.paid', false],
    ['charge.*.updated', 'charge.dispute.updated', true],
    ['charge.*.updated', 'charge.updated', false],
  ])('%s vs %s → %s', (glob, type, expected) => {
    expect(matchesGlob(glob, type)).toBe(expected);
  });
});

describe('targetFor', () => {
  const routing: Routing = {
    forwardTo: 'http://localhost:4242/webhook',
    forwardConnectTo: 'http://localhost:4242/connect',
    routes: [
      { glob: 'invoice.paid', url: 'http://localhost:4000/paid' },
      { glob: 'invoice.*', url: 'http://localhost:4000/billing' },
      { glob: '*.deleted', url: 'http://localhost:4000/deleted' },
    ],
  };

  it('takes the first matching route, for Connect events too', () => {
    expect(targetFor(routing, 'invoice.paid', false)).toBe('http://localhost:4000/paid');
    expect(targetFor(routing, 'invoice.created', false)).toBe('http://localhost:4000/billing');
    expect(targetFor(routing, 'invoice.deleted', false)).toBe('http://localhost:4000/billing'); // not the later *.deleted
    expect(targetFor(routing, 'customer.deleted', true)).toBe('http://localhost:4000/deleted');
  });

  it('falls back to --forward-connect-to for Connect events, then --forward-to', () => {
    expect(targetFor(routing, 'charge.succeeded', false)).toBe('http://localhost:4242/webhook');
    expect(targetFor(routing, 'charge.succeeded', true)).toBe('http://localhost:4242/connect');
    expect(targetFor({ ...routing, forwardConnectTo: undefined }, 'charge.succeeded', true)).toBe('http://localhost:4242/webhook');
  });

  it('sends a thin event to its route (a thin glob), else --thin-to (Connect ones too), else --forward-to', () => {
    const thin: Routing = { ...routing, thinTo: 'http://localhost:4242/thin', routes: [{ glob: 'v1.billing.*', url: 'http://localhost:4000/meters' }, ...routing.routes] };
    expect(targetFor(thin, 'v1.billing.meter.no_meter_found', false, true)).toBe('http://localhost:4000/meters');
    expect(targetFor(thin, 'v2.core.event_destination.ping', true, true)).toBe('http://localhost:4242/thin');
    expect(targetFor(routing, 'v2.core.event_destination.ping', true, true)).toBe('http://localhost:4242/webhook'); // not --forward-connect-to: a snapshot destination
    expect(targetFor(thin, 'charge.succeeded', false)).toBe('http://localhost:4242/webhook');
    expect(isThinRoute({ glob: 'v1.billing.*', url: '' })).toBe(true);
    expect(isThinRoute({ glob: '*', url: '' })).toBe(false);
  });

  it('sends a body without a type to the default', () => {
    expect(targetFor(routing, undefined, false)).toBe('http://localhost:4242/webhook');
    expect(targetFor(routing, undefined, true)).toBe('http://localhost:4242/connect');
  });
});
