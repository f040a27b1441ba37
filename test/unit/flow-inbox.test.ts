import { describe, expect, it } from 'vitest';
import { Inbox } from '../../src/run/inbox.js';

const delivered = (type: string, id: string) => ({ kind: 'delivered' as const, type, id });
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
});
