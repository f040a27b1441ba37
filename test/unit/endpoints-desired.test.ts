import { describe, expect, it } from 'vitest';
import { desiredEndpoint, parseMetadata, selectEvents } from '../../src/endpoints/desired.js';
import { assertHttpsForLive, normaliseEndpointUrl } from '../../src/endpoints/url.js';
import { BUILTIN_FLOWS } from '../../src/flows/builtin.js';

describe('normaliseEndpointUrl', () => {
  it.each([
    ['https://App.Example.COM:443/webhook', 'https://app.example.com/webhook'],
    ['http://127.0.0.1:80/a/../hook?x=1#frag', 'http://127.0.0.1/hook?x=1'],
    ['  https://app.example.com  ', 'https://app.example.com/'],
    ['https://app.example.com/webhook/', 'https://app.example.com/webhook/'],
  ])('%s -> %s', (input, output) => expect(normaliseEndpointUrl(input)).toBe(output));

  it.each(['app.example.com/webhook', '/webhook', 'ftp://app.example.com/', 'mailto:a@example.com', ''])('refuses %j', (input) => {
    expect(() => normaliseEndpointUrl(input)).toThrow(/--url/);
  });

  it('requires https only with a live key', () => {
    expect(() => assertHttpsForLive('http://app.example.com/', true)).toThrow('must use https');
    expect(() => assertHttpsForLive('http://app.example.com/', false)).not.toThrow();
    expect(() => assertHttpsForLive('https://app.example.com/', true)).not.toThrow();
  });
});

describe('selectEvents', () => {
  it('takes a list, a flow (every step, charge.pending included) or everything', () => {
    expect(selectEvents({ events: 'invoice.paid, charge.refunded,invoice.paid' })).toEqual(['invoice.paid', 'charge.refunded']);
    const payment = BUILTIN_FLOWS.find((flow) => flow.name === 'payment')!;
    expect(selectEvents({ flow: 'payment' })).toEqual(payment.steps.map((step) => step.event));
    expect(selectEvents({ flow: 'payment' })).toContain('charge.pending');
    expect(selectEvents({ allEvents: true })).toEqual(['*']);
    expect(selectEvents({ events: '*' })).toEqual(['*']);
  });

  it('explains what is wrong', () => {
    expect(() => selectEvents({})).toThrow('choose the events');
    expect(() => selectEvents({ events: 'a.b', flow: 'payment' })).toThrow("--events and --flow can't be combined");
    expect(() => selectEvents({ events: 'invoice.draft.paid' })).toThrow('unknown event type "invoice.draft.paid"');
    expect(() => selectEvents({ flow: 'refund' })).toThrow('unknown flow "refund"');
  });
});

describe('parseMetadata', () => {
  it('reads key=value, keeps = in values, and key= means remove', () => {
    expect(parseMetadata(['team=billing', 'query=a=b', 'old='])).toEqual({ team: 'billing', query: 'a=b', old: '' });
  });
  it.each([['nokey'], ['=v'], [`${'k'.repeat(41)}=v`], ['a[b]=v'], [`k=${'v'.repeat(501)}`]])('refuses %j', (entry) => {
    expect(() => parseMetadata([entry])).toThrow(/--metadata/);
  });
});

describe('desiredEndpoint', () => {
  it('defaults the api version and marks whether it was given', () => {
    const wanted = desiredEndpoint({ url: 'https://app.example.com/webhook', events: 'invoice.paid' }, '2026-10-28.endive');
    expect(wanted).toMatchObject({ apiVersion: '2026-10-28.endive', apiVersionExplicit: false, connect: false, disabled: false, description: undefined });
    const pinned = desiredEndpoint({ url: 'https://app.example.com/webhook', events: 'invoice.paid', apiVersion: '2024-06-20' }, '2026-10-28.endive');
    expect(pinned).toMatchObject({ apiVersion: '2024-06-20', apiVersionExplicit: true });
  });
});
