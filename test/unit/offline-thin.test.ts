import Stripe from 'stripe';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { THIN_EVENT_TYPES, THIN_EVENTS } from '../../src/flows/thin-event-types.js';
import type { FlowEventType, FlowStep } from '../../src/flows/types.js';
import { signatureHeader } from '../../src/offline/sign.js';
import { eventBody, objectId, synthesizeFlow, type OfflineEvent } from '../../src/offline/synthesize.js';
import type { ThinEvent } from '../../src/offline/thin-event.js';
import { storyAsSent } from '../../src/run/offline-driver.js';

const NOW = 1_790_000_000;
const SECRET = 'whsec_thin_unit_secret';
const stripe = new Stripe('sk_test_thin_unit_never_calls_the_api');
const synth = (types: readonly FlowEventType[], options: { seed?: number; shape?: string } = {}) =>
  synthesizeFlow(types, { apiVersion: '2026-10-28.endive', seed: options.seed ?? 5, now: NOW, ...(options.shape && { shape: options.shape }) });
const thin = (event: OfflineEvent | undefined) => event as ThinEvent;
const story = (steps: FlowStep[]) => storyAsSent(steps, { apiVersion: '2026-10-28.endive', seed: 5, now: NOW });
/** The UsageError a story's overrides are refused with: its message and hint. */
const refusal = (steps: FlowStep[]) => {
  try {
    story(steps);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return { message: (error as UsageError).message, hint: (error as UsageError).hint };
  }
  throw new Error('accepted');
};

describe('a thin event, as Stripe sends it to an event destination', () => {
  const [event] = synth(['v1.billing.meter.error_report_triggered']);

  it('has the notification\'s fields in Stripe\'s order, an ISO created, no data and no api_version', () => {
    expect(Object.keys(event!)).toEqual(['id', 'object', 'type', 'created', 'livemode', 'context', 'related_object', 'reason']);
    expect(thin(event)).toMatchObject({ object: 'v2.core.event', type: 'v1.billing.meter.error_report_triggered', livemode: false, context: null, reason: null });
    expect(event!.id).toMatch(/^evt_test_[A-Za-z0-9]{46}$/);
    const { created } = thin(event);
    expect(created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.floor(Date.parse(created) / 1000)).toBe(NOW);
  });

  it('points at the meter by id, type and the SDK\'s URL', () => {
    expect(thin(event).related_object).toEqual({ id: expect.stringMatching(/^mtr_[A-Za-z0-9]{24}$/), type: 'billing.meter', url: expect.stringMatching(/^\/v1\/billing\/meters\/mtr_/) });
    const { id, url } = thin(event).related_object as Stripe.V2.Core.Events.RelatedObject;
    expect(url).toBe(`/v1/billing/meters/${id}`);
    expect(objectId(event!)).toBe(id);
  });

  it('verifies with parseEventNotification, signed as Stripe signs, and constructEvent refuses it', () => {
    const body = eventBody(event!);
    const header = signatureHeader(body, SECRET);
    const notification = stripe.parseEventNotification(body, header, SECRET);
    expect(notification).toMatchObject({ id: event!.id, type: 'v1.billing.meter.error_report_triggered', related_object: thin(event).related_object });
    expect(() => stripe.webhooks.constructEvent(body, header, SECRET)).toThrow(/thin event notification/);
    expect(() => stripe.parseEventNotification(body, signatureHeader(body, 'whsec_another'), SECRET)).toThrow(/signature/i);
  });

  it('is the same whatever API version the app pins: a thin body is unversioned', () => {
    const rendered = synth(['v1.billing.meter.error_report_triggered'], { shape: '2020-08-27' });
    expect(rendered).toEqual(synth(['v1.billing.meter.error_report_triggered']));
  });
});

describe('every thin type of the SDK', () => {
  it('synthesizes a body the SDK parses, its related_object as the SDK\'s types say', () => {
    const events = synth(THIN_EVENT_TYPES);
    expect(events).toHaveLength(THIN_EVENT_TYPES.length);
    for (const [i, type] of THIN_EVENT_TYPES.entries()) {
      const event = thin(events[i]);
      const body = eventBody(event);
      const parsed = stripe.parseEventNotification(body, signatureHeader(body, SECRET), SECRET);
      expect(parsed.type, type).toBe(type);
      const related = THIN_EVENTS[type];
      if (related === null) expect(event.related_object, type).toBeNull();
      else {
        expect(event.related_object, type).toMatchObject({ type: related.type, url: expect.stringMatching(/^\/v[12]\/[a-z_/]+/) });
        expect('id' in event.related_object!, type).toBe(!('singleton' in related));
        expect(event.related_object!.url, type).not.toMatch(/[{}]/);
      }
    }
  });

  it('a singleton has no id, and a nested one\'s URL carries the story\'s ids', () => {
    const [balance, cash, customer] = synth(['v1.balance.available', 'v1.cash_balance.funds_available', 'customer.created']);
    expect(thin(balance).related_object).toEqual({ type: 'balance', url: '/v1/balance' });
    const customerId = (customer as Stripe.CustomerCreatedEvent).data.object.id;
    expect(thin(cash).related_object).toEqual({ type: 'cash_balance', url: `/v1/customers/${customerId}/cash_balance` });
    expect(thin(synth(['v1.billing.meter.no_meter_found'])[0]).related_object).toBeNull();
  });

  it('an event an API call caused carries the request as its reason; one Stripe caused, none', () => {
    const [created, found] = synth(['v1.customer.created', 'v1.billing.meter.no_meter_found']);
    expect(thin(created).reason).toEqual({ type: 'request', request: { id: expect.stringMatching(/^req_/), idempotency_key: expect.any(String) } });
    expect(thin(found).reason).toBeNull();
  });
});

describe('a flow that mixes snapshot and thin steps is one story', () => {
  it('the thin event points at the object the snapshot events carry, the same for the same seed', () => {
    const events = synth(['billing.meter.created', 'v1.billing.meter.error_report_triggered', 'v1.billing.meter.no_meter_found', 'customer.created', 'v1.customer.updated']);
    const meter = (events[0] as { data: { object: { id: string; object: string } } }).data.object;
    expect(meter.object).toBe('billing.meter');
    expect(thin(events[1]).related_object).toMatchObject({ id: meter.id, type: 'billing.meter' });
    const customer = (events[3] as Stripe.CustomerCreatedEvent).data.object;
    expect(thin(events[4]).related_object).toEqual({ id: customer.id, type: 'customer', url: `/v1/customers/${customer.id}` });
    expect(events.map((event) => event.object)).toEqual(['event', 'v2.core.event', 'v2.core.event', 'event', 'v2.core.event']);
    // created in step order: unix seconds for snapshot events, ISO for thin ones
    const seconds = events.map((event) => (typeof event.created === 'number' ? event.created : Math.floor(Date.parse(event.created) / 1000)));
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    expect(synth(events.map((event) => event.type))).toEqual(events);
  });
});

describe('overrides on thin events', () => {
  it('object:id=… changes the reference (id and url) along with the snapshot object it points at', () => {
    const events = story([{ event: 'billing.meter.created', override: ['billing.meter:id=mtr_mine'] }, { event: 'v1.billing.meter.error_report_triggered' }]);
    expect((events[0] as { data: { object: { id: string } } }).data.object.id).toBe('mtr_mine');
    expect(thin(events[1]).related_object).toEqual({ id: 'mtr_mine', type: 'billing.meter', url: '/v1/billing/meters/mtr_mine' });
    const alone = story([{ event: 'v1.billing.meter.error_report_triggered', override: ['billing.meter:id=mtr_mine'] }]);
    expect(thin(alone[0]).related_object).toMatchObject({ id: 'mtr_mine', url: '/v1/billing/meters/mtr_mine' });
  });

  it('another field of a referenced object goes to the snapshot events that carry it, and is refused when none does', () => {
    const events = story([{ event: 'billing.meter.created' }, { event: 'v1.billing.meter.error_report_triggered', override: ['billing.meter:display_name=Usage'] }]);
    expect((events[0] as { data: { object: { display_name?: string } } }).data.object.display_name).toBe('Usage');
    expect(Object.keys(events[1]!)).not.toContain('data');
    expect(refusal([{ event: 'v1.billing.meter.error_report_triggered', override: ['billing.meter:display_name=Usage'] }])).toEqual({
      message: 'step 1 (v1.billing.meter.error_report_triggered): override "billing.meter:display_name=Usage": a thin event carries only a reference to its billing.meter (related_object), not the object',
      hint: "only billing.meter:id=… changes a reference (its id and url); the object's other fields are in snapshot events, and no event of this flow carries one",
    });
  });

  it('an object no event carries nor points at is refused, saying what thin events point at', () => {
    expect(refusal([{ event: 'v1.billing.meter.error_report_triggered', remove: ['invoice:description'] }])).toEqual({
      message: 'step 1 (v1.billing.meter.error_report_triggered): remove "invoice:description": no event of this flow carries an "invoice"',
      hint: 'its events carry no object (thin events carry only a reference, related_object); its thin events point at: billing.meter (only their id can change: billing.meter:id=…)',
    });
    expect(refusal([{ event: 'v1.billing.meter.no_meter_found', override: ['billing.meter:id=mtr_1'] }])).toEqual({
      message: 'step 1 (v1.billing.meter.no_meter_found): override "billing.meter:id=mtr_1": no event of this flow carries a "billing.meter"',
      hint: 'its events carry no object (thin events carry only a reference, related_object)',
    });
  });
});

describe('ThinEvent, spelled out for every stripe peer major', () => {
  it("is assignable both ways with the SDK's own related object and reason (checked by the type checker)", () => {
    type Related = NonNullable<ThinEvent['related_object']>;
    expectTypeOf<Stripe.V2.Core.Events.RelatedObject>().toExtend<Related>();
    expectTypeOf<Stripe.V2.Core.Events.RelatedSingletonObject>().toExtend<Related>();
    expectTypeOf<Stripe.V2.Core.Event.Reason>().toExtend<NonNullable<ThinEvent['reason']>>();
    expectTypeOf<NonNullable<ThinEvent['reason']>>().toExtend<Stripe.V2.Core.Event.Reason>();
    // Tells a singleton (no id) from an object by its id alone.
    expect(objectId({ id: 'evt_test_1', object: 'v2.core.event', type: 'v1.billing.meter.no_meter_found', created: '2026-12-05T00:00:00.000Z', livemode: false, context: null, related_object: { type: 'balance', url: '/v1/balance' }, reason: null })).toBe('balance');
  });
});
