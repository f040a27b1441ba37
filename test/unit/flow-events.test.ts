import { describe, expect, it } from 'vitest';
import { builtinFlowEvents, flowEvents } from '../../src/flows/events.js';
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
