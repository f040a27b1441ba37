/** `stripe-hooks trigger <event>` and the library's deliverEvent: one event as a one-step flow, so both runners run it. */
import { assertFlowEventType } from './events.js';
import type { Flow, FlowStep } from './types.js';

/** The `stripe trigger` params of the one step (`object:path=value`; `remove` without a value). */
export type SingleEventParams = Pick<FlowStep, 'override' | 'add' | 'remove'>;

/** The `source` of a one-event flow, so messages meant for flow files can speak of the one event instead. */
export const ONE_EVENT = 'one event';

/** A one-step flow of `type`; an unknown type is a UsageError with the closest known one (`where` names the input). */
export function singleEventFlow(type: string, params: SingleEventParams = {}, where = ''): Flow {
  const event = assertFlowEventType(type, where);
  const step: FlowStep = { event };
  for (const key of ['override', 'add', 'remove'] as const) if (params[key]?.length) step[key] = [...params[key]];
  return { name: event, description: `one ${event} event`, steps: [step], source: ONE_EVENT };
}
