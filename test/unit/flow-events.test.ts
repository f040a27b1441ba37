import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { assertEventType, assertFlowEventType, builtinFlowEvents, flowEvents, isEventType, isFlowEventType } from '../../src/flows/events.js';
import { flowEventTypes } from '../../src/flows/load.js';
import type { Flow } from '../../src/flows/types.js';

const flow = (...events: Flow['steps'][number]['event'][]): Flow => ({ name: 'f', description: '', source: 'x', steps: events.map((event) => ({ event })) });

describe('flowEvents', () => {
  it('lists each event type once, in step order, across flows', () => {
    expect(flowEvents(flow('invoice.created', 'invoice.paid', 'invoice.created'), flow('invoice.paid', 'charge.pending'))).toEqual([
      'invoice.created',
      'invoice.paid',
      'charge.pending',
    ]);
    expect(flowEvents()).toEqual([]);
  });

  it('of the built-ins is the default listen selection, starting with the payment flow\'s', () => {
    expect(builtinFlowEvents().slice(0, 3)).toEqual(['invoice.created', 'customer.subscription.updated', 'payment_intent.requires_action']);
    expect(new Set(builtinFlowEvents()).size).toBe(builtinFlowEvents().length);
  });
});

describe('thin event types', () => {
  const error = (run: () => unknown) => {
    try {
      run();
    } catch (caught) {
      expect(caught).toBeInstanceOf(UsageError);
      return { message: (caught as UsageError).message, hint: (caught as UsageError).hint };
    }
    throw new Error('accepted');
  };

  it('a step may name one of the SDK\'s, brackets included; a misspelt one gets the closest thin type', () => {
    expect(isFlowEventType('v1.billing.meter.no_meter_found')).toBe(true);
    expect(isFlowEventType('v2.core.account[configuration.merchant].updated')).toBe(true);
    expect(isFlowEventType('v1.invoice.paidd')).toBe(false);
    expect(assertFlowEventType('invoice.paid')).toBe('invoice.paid');
    expect(error(() => assertFlowEventType('v1.invoice.paidd', 'type'))).toEqual({ message: 'type: unknown event type "v1.invoice.paidd"', hint: 'did you mean "v1.invoice.paid"?' });
    expect(error(() => assertFlowEventType('v3.nothing.like.it'))).toEqual({
      message: 'unknown event type "v3.nothing.like.it"',
      hint: 'no thin event type of the SDK is close to it; see https://docs.stripe.com/api/v2/core/events/event-types',
    });
  });

  it('where snapshot events are subscribed to, a thin type is refused as one, not as unknown', () => {
    expect(isEventType('v1.billing.meter.no_meter_found')).toBe(false);
    expect(error(() => assertEventType('v1.billing.meter.no_meter_found', 'events'))).toEqual({
      message: 'events: "v1.billing.meter.no_meter_found" is a thin event type',
      hint: 'only snapshot event types go here: thin events (v1.…, v2.…) are sent to v2 event destinations',
    });
  });

  it('a flow with a thin step lists it, but the default listen selection holds snapshot types only', async () => {
    expect(flowEvents(flow('billing.meter.created', 'v1.billing.meter.no_meter_found'))).toEqual(['billing.meter.created', 'v1.billing.meter.no_meter_found']);
    expect(builtinFlowEvents().some((type) => type.startsWith('v1.'))).toBe(false);
    const cwd = mkdtempSync(join(tmpdir(), 'thin-flow-'));
    writeFileSync(join(cwd, 'meters.yaml'), 'steps: [billing.meter.created, v1.billing.meter.no_meter_found]\n');
    await expect(flowEventTypes('meters', { cwd, file: 'meters.yaml' })).rejects.toThrow('flow "meters" has the thin event v1.billing.meter.no_meter_found');
  });
});
