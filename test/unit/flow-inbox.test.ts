import { describe, expect, it } from 'vitest';
import { Inbox } from '../../src/run/inbox.js';

const forwarded = (type: string, id: string) => ({ kind: 'forwarded' as const, at: 1, type, id, connect: false });
const answered = (id: string, status: number, at = 5) => ({ kind: 'response' as const, at, status, method: 'POST', url: 'http://127.0.0.1/webhook', id });

describe('Inbox', () => {
  it('a step claims the first unclaimed event of its type since its mark; the rest are side effects', () => {
    const inbox = new Inbox();
    inbox.push(forwarded('payment_intent.created', 'evt_a')); // from an earlier step
    const mark = inbox.mark;
    inbox.push(forwarded('payment_intent.created', 'evt_b'));
    inbox.push(forwarded('payment_intent.created', 'evt_c'));
    expect(inbox.claim('payment_intent.created', mark)?.id).toBe('evt_b');
    expect(inbox.claim('payment_intent.created', mark)?.id).toBe('evt_c'); // evt_b is taken
    expect(inbox.claim('charge.pending', 0)).toBeUndefined();
    inbox.push(answered('evt_a', 200));
    expect(inbox.sideEffects()).toEqual([{ type: 'payment_intent.created', eventId: 'evt_a', status: 200 }]);
  });

  it('records answers and unreachable apps once, ignores redeliveries, and wakes subscribers', () => {
    const inbox = new Inbox();
    let changes = 0;
    const unsubscribe = inbox.onChange(() => changes++);
    inbox.push(forwarded('invoice.paid', 'evt_1'));
    inbox.push(forwarded('invoice.paid', 'evt_1'));
    inbox.push(forwarded('invoice.created', 'evt_2'));
    inbox.push(answered('evt_1', 500, 7));
    inbox.push(answered('evt_1', 200, 9));
    inbox.push({ kind: 'unreachable', at: 8, url: 'http://127.0.0.1:9/webhook', reason: 'connection refused', id: 'evt_2' });
    expect(inbox.seen).toMatchObject([
      { id: 'evt_1', status: 500, answeredAt: 7 },
      { id: 'evt_2', status: null, unreachable: 'connection refused at http://127.0.0.1:9/webhook', answeredAt: 8 },
    ]);
    expect(changes).toBe(4);
    unsubscribe();
    inbox.fail(new Error('gone'));
    expect(changes).toBe(4);
    expect(() => inbox.assertAlive()).toThrow('gone');
  });
});
