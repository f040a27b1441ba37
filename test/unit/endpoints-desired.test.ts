import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { desiredEndpoint, parseMetadata, selectEndpointEvents } from '../../src/endpoints/desired.js';
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

const cwd = mkdtempSync(join(tmpdir(), 'desired-'));

describe('selectEndpointEvents', () => {
  it('takes a list, a flow (every step, charge.pending included) or everything', async () => {
    expect(await selectEndpointEvents({ events: 'invoice.paid, charge.refunded,invoice.paid' }, cwd)).toEqual(['invoice.paid', 'charge.refunded']);
    const payment = BUILTIN_FLOWS.find((flow) => flow.name === 'payment')!;
    expect(await selectEndpointEvents({ flow: 'payment' }, cwd)).toEqual(payment.steps.map((step) => step.event));
    expect(await selectEndpointEvents({ flow: 'payment' }, cwd)).toContain('charge.pending');
    expect(await selectEndpointEvents({ allEvents: true }, cwd)).toEqual(['*']);
    expect(await selectEndpointEvents({ events: '*' }, cwd)).toEqual(['*']);
  });

  it('finds a flow from stripe-hooks.config.json in the cwd, as listen and trigger-flow do', async () => {
    const project = mkdtempSync(join(tmpdir(), 'desired-config-'));
    writeFileSync(join(project, 'stripe-hooks.config.json'), JSON.stringify({ flows: { refund: ['charge.succeeded', 'charge.refunded', 'charge.refunded'] } }));
    expect(await selectEndpointEvents({ flow: 'refund' }, project)).toEqual(['charge.succeeded', 'charge.refunded']);
  });

  it('explains what is wrong', async () => {
    await expect(selectEndpointEvents({}, cwd)).rejects.toThrow('choose the events');
    await expect(selectEndpointEvents({ events: 'a.b', flow: 'payment' }, cwd)).rejects.toThrow("--events and --flow cannot be combined");
    await expect(selectEndpointEvents({ events: 'invoice.draft.paid' }, cwd)).rejects.toThrow('unknown event type "invoice.draft.paid"');
    await expect(selectEndpointEvents({ flow: 'refund' }, cwd)).rejects.toThrow('unknown flow "refund"');
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
  it('defaults the api version and marks whether it was given', async () => {
    const wanted = await desiredEndpoint({ url: 'https://app.example.com/webhook', events: 'invoice.paid' }, '2026-10-28.endive', cwd);
    expect(wanted).toMatchObject({ apiVersion: '2026-10-28.endive', apiVersionExplicit: false, connect: false, disabled: false, description: undefined });
    const pinned = await desiredEndpoint({ url: 'https://app.example.com/webhook', events: 'invoice.paid', apiVersion: '2024-06-20' }, '2026-10-28.endive', cwd);
    expect(pinned).toMatchObject({ apiVersion: '2024-06-20', apiVersionExplicit: true });
  });
});
