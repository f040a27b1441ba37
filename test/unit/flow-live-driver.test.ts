import { describe, expect, it } from 'vitest';
import { driverEvent } from '../../src/run/live-driver.js';

describe('driverEvent: what a `stripe listen` line means to a flow run', () => {
  it.each([
    [{ kind: 'forwarded', at: 1, type: 'invoice.paid', id: 'evt_1', connect: false }, { kind: 'delivered', id: 'evt_1', type: 'invoice.paid' }],
    [{ kind: 'response', at: 7, status: 503, method: 'POST', url: 'http://127.0.0.1/webhook', id: 'evt_1' }, { kind: 'answered', id: 'evt_1', at: 7, status: 503 }],
    [
      { kind: 'unreachable', at: 8, url: 'http://127.0.0.1:9/webhook', reason: 'connection refused', id: 'evt_2' },
      { kind: 'answered', id: 'evt_2', at: 8, status: null, error: 'the app is unreachable (connection refused at http://127.0.0.1:9/webhook)' },
    ],
    [{ kind: 'unreachable', at: 8, reason: 'timed out', id: 'evt_3' }, { kind: 'answered', id: 'evt_3', at: 8, status: null, error: 'the app is unreachable (timed out)' }],
    [{ kind: 'unreachable', at: 8, reason: 'connection refused' }, undefined], // names no event: nothing to pair it with
    [{ kind: 'ready', at: 0, secret: 'whsec_x' }, undefined],
    [{ kind: 'cli-error', at: 0, category: 'other', message: 'boom' }, undefined],
  ] as const)('%o', (line, expected) => {
    expect(driverEvent(line)).toEqual(expected);
  });
});
