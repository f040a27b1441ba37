import { describe, expect, it } from 'vitest';
import type { DesiredEndpoint } from '../../src/endpoints/desired.js';
import { createIdempotencyKey, createParams, planRegistration, predictedView } from '../../src/endpoints/plan.js';
import type { EndpointView } from '../../src/endpoints/reports.js';

const V = '2026-10-28.endive';
const URL = 'https://app.example.com/webhook';

const desired = (overrides: Partial<DesiredEndpoint> = {}): DesiredEndpoint => ({
  url: URL,
  events: ['invoice.paid', 'charge.refunded'],
  metadata: {},
  apiVersion: V,
  apiVersionExplicit: false,
  connect: false,
  disabled: false,
  ...overrides,
});

const existing = (overrides: Partial<EndpointView & { id: string }> = {}): EndpointView & { id: string } => ({
  id: 'we_1',
  url: URL,
  enabled_events: ['charge.refunded', 'invoice.paid'],
  api_version: V,
  status: 'enabled',
  description: null,
  metadata: {},
  ...overrides,
});

describe('planRegistration', () => {
  it('creates when no endpoint has the URL', () => {
    const plan = planRegistration(desired({ description: 'prod', metadata: { team: 'a', gone: '' } }), [existing({ url: 'https://other.example.com/' })]);
    expect(plan).toEqual({
      action: 'created',
      disable: false,
      warnings: [],
      params: { url: URL, enabled_events: ['invoice.paid', 'charge.refunded'], api_version: V, description: 'prod', metadata: { team: 'a' } },
    });
  });

  it('is unchanged when events match as a set and nothing else was asked', () => {
    expect(planRegistration(desired(), [existing({ description: 'kept', metadata: { other: 'kept' } })])).toMatchObject({ action: 'unchanged', endpoint: { id: 'we_1' } });
  });

  it('matches the stored URL in its normalised form', () => {
    expect(planRegistration(desired(), [existing({ url: 'HTTPS://App.Example.com:443/webhook' })]).action).toBe('unchanged');
    expect(planRegistration(desired(), [existing({ url: 'https://app.example.com/webhook/' })]).action).toBe('created');
  });

  it('updates only what differs, with Stripe\'s metadata conventions', () => {
    const plan = planRegistration(desired({ events: ['invoice.paid'], description: '', metadata: { a: '1', b: '', c: 'same' }, disabled: true }), [
      existing({ description: 'old', metadata: { b: 'x', c: 'same' } }),
    ]);
    expect(plan).toMatchObject({
      action: 'updated',
      params: { enabled_events: ['invoice.paid'], description: '', metadata: { a: '1', b: '' }, disabled: true },
      changes: ['events: -charge.refunded', 'description: "old" → (none)', 'metadata.a: (none) → "1"', 'metadata.b: "x" → (none)', 'status: enabled → disabled'],
    });
  });

  it('describes a switch to or from all events by count', () => {
    const plan = planRegistration(desired({ events: ['*'] }), [existing()]);
    expect(plan).toMatchObject({ action: 'updated', changes: ['events: 2 events → all events (*)'] });
  });

  it('refuses an explicit api_version change (Stripe cannot make it in place) and only warns about a defaulted one', () => {
    expect(() => planRegistration(desired({ apiVersionExplicit: true }), [existing({ api_version: '2024-06-20' })])).toThrow(
      /we_1 sends events in API version 2024-06-20, not 2026-10-28.endive/,
    );
    const plan = planRegistration(desired(), [existing({ api_version: null })]);
    expect(plan.action).toBe('unchanged');
    expect(plan.warnings[0]).toContain("the account's default API version");
    expect(plan.warnings[0]).toContain('stripe-hooks endpoints delete we_1 --yes');
  });

  it('keeps Connect and account endpoints for one URL apart, and refuses to guess between duplicates', () => {
    const connect = existing({ id: 'we_c', metadata: { stripe_hooks_connect: 'true' } });
    expect(planRegistration(desired({ connect: true }), [existing(), connect])).toMatchObject({ action: 'unchanged', endpoint: { id: 'we_c' } });
    expect(planRegistration(desired(), [connect]).action).toBe('created');
    expect(() => planRegistration(desired(), [existing({ id: 'we_a' }), existing({ id: 'we_b' })])).toThrow('2 endpoints already use');
  });
});

describe('createIdempotencyKey', () => {
  it('is derived from the request: the same for reordered events and metadata, different for anything else', () => {
    const base = createParams(desired({ metadata: { a: '1', b: '2' } }));
    const reordered = { ...base, enabled_events: [...base.enabled_events].reverse(), metadata: { b: '2', a: '1' } };
    expect(createIdempotencyKey(reordered)).toBe(createIdempotencyKey(base));
    expect(createIdempotencyKey(base)).toMatch(/^stripe-hooks-create-[0-9a-f]{40}$/);
    for (const other of [{ ...base, url: 'https://x.example.com/' }, { ...base, api_version: '2024-06-20' as never }, { ...base, connect: true }, { ...base, description: 'd' }]) {
      expect(createIdempotencyKey(other)).not.toBe(createIdempotencyKey(base));
    }
    expect(createIdempotencyKey(base, ['we_deleted'])).not.toBe(createIdempotencyKey(base));
  });
});

describe('predictedView', () => {
  it('shows the endpoint as the plan would leave it', () => {
    const plan = planRegistration(desired({ events: ['*'], metadata: { gone: '', added: 'y' } }), [existing({ metadata: { gone: 'x' } })]);
    expect(predictedView(plan)).toEqual({ ...existing(), enabled_events: ['*'], metadata: { added: 'y' } });
    expect(predictedView(planRegistration(desired({ disabled: true }), []))).toMatchObject({ id: null, status: 'disabled' });
  });
});
