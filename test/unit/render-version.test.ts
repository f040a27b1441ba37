/** render-version.ts: nearest known shapes, and every field a version always sends has a value. */
import { describe, expect, it } from 'vitest';
import { SHAPE_VERSIONS } from '../../src/offline/api-shapes.js';
import { resolveApiVersion } from '../../src/offline/app-api-version.js';
import { nearestShape, unfilledFields } from '../../src/offline/render-version.js';
import { synthesizeFlow } from '../../src/offline/synthesize.js';

describe('nearestShape', () => {
  it('is the version itself when known, else the newest known before it, else the oldest', () => {
    expect(nearestShape('2022-08-01')).toEqual({ version: '2022-08-01', exact: true });
    expect(nearestShape('2025-05-28.basil')).toEqual({ version: '2025-03-31.basil', exact: false });
    expect(nearestShape('2023-01-01')).toEqual({ version: '2022-11-15', exact: false });
    expect(nearestShape('2019-12-03')).toEqual({ version: '2020-08-27', exact: false });
  });

  it('an unknown version resolves with a warning naming the shape', () => {
    expect(resolveApiVersion({ flag: '2099-01-01' }).warning).toMatch(/2099-01-01 \(flag\) is not one stripe-hooks knows: its events take the shape of \d{4}-/);
    expect(resolveApiVersion({ flag: '2022-08-01' }).warning).toBeUndefined();
  });
});

describe('rendering', () => {
  it.each(SHAPE_VERSIONS)('%s: every field it always sends is filled or nullable', (version) => {
    expect(unfilledFields(version)).toEqual([]);
  });

  it('2020-08-27: basil fields are gone, the older ones agree with the story', () => {
    const events = synthesizeFlow(['invoice.paid', 'customer.subscription.updated', 'payment_intent.succeeded', 'charge.succeeded'], { apiVersion: '2020-08-27', shape: '2020-08-27', seed: 3, now: 1_800_000_000 });
    type Rendered = Record<string, unknown> & { items: { data: object[] }; charges: { data: object[] } };
    const [invoice, subscription, intent, charge] = events.map((e) => e.data.object as unknown as Rendered);
    expect(invoice).not.toHaveProperty('parent');
    expect(invoice).toMatchObject({ subscription: subscription!.id, payment_intent: intent!.id, charge: charge!.id, paid: true });
    expect(subscription!.current_period_end).toBeGreaterThan(subscription!.current_period_start as number);
    expect(subscription!.items.data[0]).not.toHaveProperty('current_period_end');
    expect(intent!.charges.data[0]).toMatchObject({ id: charge!.id, status: 'succeeded' });
    expect(charge!.refunds).toMatchObject({ object: 'list', data: [] });
  });
});
