import { describe, expect, it } from 'vitest';
import { Inbox } from '../../src/run/inbox.js';

const delivered = (type: string, id: string, objectId?: string) => ({ kind: 'delivered' as const, type, id, ...(objectId && { objectId }) });
const answered = (id: string, status: number | null, at = 5, error?: string) => ({ kind: 'answered' as const, id, at, status, ...(error && { error }) });

describe('Inbox', () => {
  it('a step claims the first unclaimed event of its type since its mark; the rest are side effects', () => {
    const inbox = new Inbox();
    inbox.push(delivered('payment_intent.created', 'evt_a')); // from an earlier step
    const mark = inbox.mark;
    inbox.push(delivered('payment_intent.created', 'evt_b'));
    inbox.push(delivered('payment_intent.created', 'evt_c'));
    expect(inbox.claim('payment_intent.created', mark)?.id).toBe('evt_b');
    expect(inbox.claim('payment_intent.created', mark)?.id).toBe('evt_c'); // evt_b is taken
    expect(inbox.claim('charge.pending', 0)).toBeUndefined();
    inbox.push(answered('evt_a', 200));
    expect(inbox.sideEffects()).toEqual([{ type: 'payment_intent.created', eventId: 'evt_a', status: 200 }]);
  });

  it('records the first answer only, ignores redeliveries, and tells its owner of every change', () => {
    let changes = 0;
    const inbox = new Inbox(() => changes++);
    inbox.push(delivered('invoice.paid', 'evt_1'));
    inbox.push(delivered('invoice.paid', 'evt_1'));
    inbox.push(delivered('invoice.created', 'evt_2'));
    expect(inbox.waiting).toBe(true);
    inbox.push(answered('evt_1', 500, 7));
    inbox.push(answered('evt_1', 200, 9));
    inbox.push(answered('evt_2', null, 8, 'the app is unreachable (connection refused)'));
    inbox.push(answered('evt_unknown', 200));
    expect(inbox.seen).toMatchObject([
      { id: 'evt_1', status: 500, answeredAt: 7 },
      { id: 'evt_2', status: null, error: 'the app is unreachable (connection refused)', answeredAt: 8 },
    ]);
    expect(inbox.waiting).toBe(false);
    expect(changes).toBe(4);
    inbox.fail(new Error('gone'));
    expect(changes).toBe(5);
    expect(() => inbox.assertAlive()).toThrow('gone');
  });

  it('a step that fired does not claim the creation of an object seen before it fired: that is a late event of an earlier step', () => {
    const inbox = new Inbox();
    inbox.push(delivered('customer.updated', 'evt_u', 'cus_a')); // step 1: its fixture created cus_a, then updated it
    const mark = inbox.mark; // step 2 fires
    inbox.push(delivered('customer.created', 'evt_late', 'cus_a')); // step 1's customer.created, delayed
    inbox.push(delivered('customer.created', 'evt_own', 'cus_b'));
    expect(inbox.claim('customer.created', mark, true)?.id).toBe('evt_own');
    expect(inbox.sideEffects().map((effect) => effect.eventId)).toEqual(['evt_u', 'evt_late']);
    // An observed step may well wait for an event an earlier step caused: it is not filtered.
    const observed = new Inbox();
    observed.push(delivered('customer.updated', 'evt_u', 'cus_a'));
    const from = observed.mark;
    observed.push(delivered('customer.created', 'evt_late', 'cus_a'));
    expect(observed.claim('customer.created', from)?.id).toBe('evt_late');
    // Other types, and events about objects first seen since the mark, are claimed as before.
    const other = new Inbox();
    other.push(delivered('customer.created', 'evt_c', 'cus_a'));
    const at = other.mark;
    other.push(delivered('customer.updated', 'evt_u2', 'cus_a'));
    other.push(delivered('invoice.created', 'evt_i', 'in_1'));
    other.push(delivered('invoice.created', 'evt_i2'));
    expect(other.claim('customer.updated', at, true)?.id).toBe('evt_u2');
    expect(other.claim('invoice.created', at, true)?.id).toBe('evt_i');
    expect(other.claim('invoice.created', at, true)?.id).toBe('evt_i2');
  });
});
