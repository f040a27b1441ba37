import { describe, expect, it } from 'vitest';
import type { Delivery, Received } from '../../src/relay/delivery-facts.js';
import type { RelayedEvent } from '../../src/relay/listener.js';
import { driverEvent } from '../../src/run/live-driver.js';

const received: Received = { seq: 0, id: 'evt_1', type: 'invoice.paid', objectId: 'in_1', created: 100, connect: false, url: 'http://127.0.0.1:4242/webhook', receivedAt: 1 };
const answer = (fields: Partial<Delivery>): RelayedEvent => ({ kind: 'delivery', at: 7, delivery: { ...received, status: 200, ms: 4.5, body: '{"ok":true}', ...fields } });

describe("driverEvent: what the relay's record means to a flow run", () => {
  it.each<[string, RelayedEvent, unknown]>([
    ['a received event is delivered, with the object it is about', { kind: 'received', at: 1, received }, { kind: 'delivered', id: 'evt_1', type: 'invoice.paid', objectId: 'in_1' }],
    ['a body that is not an event is nothing to a step', { kind: 'received', at: 1, received: { ...received, id: undefined, type: undefined } }, undefined],
    ['a 2xx answer, with the relay-measured time and where it went', answer({}), { kind: 'answered', id: 'evt_1', at: 7, status: 200, ms: 4.5, url: received.url }],
    ['a non-2xx answer says the status and the start of the body', answer({ status: 503, body: 'down for\n maintenance' }), { kind: 'answered', id: 'evt_1', at: 7, status: 503, ms: 4.5, url: received.url, failure: 'status', error: 'the app answered 503: down for maintenance' }],
    [
      'a failed POST names the event (by id), the URL and why',
      answer({ status: null, failure: 'refused', error: 'nothing is listening at http://127.0.0.1:9 (ECONNREFUSED)', url: 'http://127.0.0.1:9/webhook', body: '' }),
      { kind: 'answered', id: 'evt_1', at: 7, status: null, ms: 4.5, url: 'http://127.0.0.1:9/webhook', failure: 'refused', error: 'the app is unreachable at http://127.0.0.1:9/webhook: nothing is listening at http://127.0.0.1:9 (ECONNREFUSED)' },
    ],
    ['a timeout', answer({ status: null, failure: 'timeout', error: 'no answer within 1 s', body: '' }), { kind: 'answered', id: 'evt_1', at: 7, status: null, ms: 4.5, url: received.url, failure: 'timeout', error: 'the app gave no answer within 1 s' }],
    ['a reset', answer({ status: null, failure: 'reset', error: 'the app closed the connection without answering', body: '' }), { kind: 'answered', id: 'evt_1', at: 7, status: null, ms: 4.5, url: received.url, failure: 'reset', error: 'the app is unreachable at http://127.0.0.1:4242/webhook: the app closed the connection without answering' }],
    ['--serial reordered it', answer({ reordered: true }), { kind: 'answered', id: 'evt_1', at: 7, status: 200, ms: 4.5, url: received.url, reordered: true }],
    ['an answer to a body that is not an event', answer({ id: undefined }), undefined],
    ['ready', { kind: 'ready', at: 0, secret: 'whsec_x' }, undefined],
    ['a CLI error', { kind: 'cli-error', at: 0, category: 'other', message: 'boom' }, undefined],
  ])('%s', (_label, event, expected) => {
    expect(driverEvent(event)).toEqual(expected);
  });
});
