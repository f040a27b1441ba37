import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/flows/event-types.js';
import { THIN_EVENT_TYPES } from '../../src/flows/thin-event-types.js';
import { loadFlowFile } from '../../src/flows/load.js';
import { isEventId, isEventTypeShape } from '../../src/lib/grammar.js';
import { parseRecordingLine } from '../../src/record/format.js';
import { eventFacts } from '../../src/relay/delivery-facts.js';
import { ALL_HOSTILE, HOSTILE, RAW_CONTROL } from '../support/hostile-terminal.js';

const line = (event: Record<string, unknown>) => JSON.stringify({ v: 1, receivedAt: '2026-01-01T00:00:00.000Z', event: JSON.stringify(event), headers: {}, answer: { status: 200, ms: 1 } });
const refusal = (text: string) => {
  try {
    parseRecordingLine(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('the event grammar', () => {
  it("takes every type of the SDK's lists, thin ones (brackets included) and types newer than the SDK", () => {
    expect(THIN_EVENT_TYPES).toContain('v2.core.account[configuration.customer].updated');
    for (const type of [...EVENT_TYPES, ...THIN_EVENT_TYPES, 'v2.core.event_destination.ping', 'invoice.brand_new_thing']) expect(isEventTypeShape(type), type).toBe(true);
  });

  it.each([
    ...Object.entries(HOSTILE).map(([name, text]) => [name, `invoice.paid${text}`]),
    ['uppercase', 'Invoice.paid'],
    ['one segment', 'invoice'],
    ['an empty part', 'invoice..paid'],
    ['101 characters', `a.${'b'.repeat(99)}`],
    ['an empty bracket', 'v2.core.account[].updated'],
    ['an unclosed bracket', 'v2.core.account[identity.updated'],
    ['a bracket not at the end of its part', 'v2.core.account[identity]x.updated'],
    ['nested brackets', 'v2.core.account[a[b]].updated'],
  ])('refuses a type with %s', (_, type) => {
    expect(isEventTypeShape(type)).toBe(false);
  });

  it('takes evt_ ids and refuses others', () => {
    expect(isEventId('evt_1NqPz2Lk_test')).toBe(true);
    for (const id of ['evt_', 'ch_1', `evt_${'a'.repeat(256)}`, `evt_1${HOSTILE.clear}`, 7]) expect(isEventId(id)).toBe(false);
  });
});

describe('where events are read', () => {
  it('a recording line with an escape sequence in its type or id is refused, the value shown sanitized', () => {
    const type = refusal(line({ id: 'evt_1', type: `invoice.paid${ALL_HOSTILE}` }));
    expect(type).toMatch(/^event evt_1 has the type "invoice\.paid\\u001b\[2J.*, not lowercase letters/);
    const id = refusal(line({ id: `evt_1${ALL_HOSTILE}`, type: 'invoice.paid' }));
    expect(id).toMatch(/^"event" has the id "evt_1\\u001b/);
    for (const message of [type, id]) expect(message).not.toMatch(RAW_CONTROL);
  });

  it('a well-formed type the SDK does not list is read', () => {
    expect(parseRecordingLine(line({ id: 'evt_1', type: 'v2.core.event_destination.ping' })).type).toBe('v2.core.event_destination.ping');
  });

  it('a flow file naming a hostile event is refused at file:line, sanitized', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'grammar-'));
    writeFileSync(join(cwd, 'f.json'), JSON.stringify({ steps: [`invoice.paid${ALL_HOSTILE}`] }, null, 1));
    const error = await loadFlowFile('f.json', cwd).then(() => undefined, (caught: Error & { hint?: string }) => caught);
    expect(error?.message).toMatch(/^f\.json:3:\d+: flow "f" step 1: "invoice\.paid\\u001b.* is not an event type$/);
    expect(`${error?.message} ${error?.hint}`).not.toMatch(RAW_CONTROL);
  });

  it("the relay's facts leave out an id or type not in Stripe's form", () => {
    const facts = eventFacts(Buffer.from(JSON.stringify({ id: `evt_1${HOSTILE.title}`, type: `invoice.paid${HOSTILE.bidi}`, created: 1 })));
    expect(facts).toMatchObject({ id: undefined, type: undefined, created: 1 });
  });
});
