/**
 * The rules `listen`'s options follow, checked before anything is spawned (a usage error never leaves a child
 * behind): where deliveries go, which events, the headers, the dotenv key, and --record's rules.
 */
import { UsageError } from '../errors.js';
import { assertFlowEventType, builtinFlowEvents, flowEvents } from '../flows/events.js';
import { resolveFlow } from '../flows/load.js';
import { validateEnvKey } from '../lib/env-file.js';
import { parseForwardUrl } from '../lib/forward-url.js';
import { checkRecordOptions } from '../record/policy.js';
import { hasThinDestination, parseRoute, type Routing } from '../relay/routing.js';
import { headerArg } from '../stripe-cli/listen.js';
import { parseEventsFrom, selectionFor, type EventSelection, type EventsFrom, type KindSelection } from '../stripe-cli/listen-selection.js';

export interface ListenChoices {
  forwardTo: string;
  forwardConnectTo?: string;
  /** --thin-to: where thin events go. */
  thinTo?: string;
  route?: string[];
  /** At most one of events, flow and allEvents (commander refuses more). */
  events?: string;
  flow?: string;
  allEvents?: boolean;
  eventsFrom?: string;
  header?: string[];
  dotenv?: string;
  envKey: string;
  record?: string;
  live?: boolean;
}

export interface CheckedListenOptions extends EventSelection {
  routing: Routing;
  eventsFrom?: EventsFrom;
}

export async function checkListenOptions(options: ListenChoices, cwd: string): Promise<CheckedListenOptions> {
  if (options.dotenv !== undefined) validateEnvKey(options.envKey);
  const routing: Routing = {
    forwardTo: parseForwardUrl(options.forwardTo),
    forwardConnectTo: options.forwardConnectTo === undefined ? undefined : parseForwardUrl(options.forwardConnectTo, '--forward-connect-to'),
    ...(options.thinTo !== undefined && { thinTo: parseForwardUrl(options.thinTo, '--thin-to') }),
    routes: (options.route ?? []).map(parseRoute),
  };
  const events = await eventSelection(options, cwd);
  const eventsFrom = options.eventsFrom === undefined ? undefined : parseEventsFrom(options.eventsFrom);
  if (eventsFrom === '@self' && routing.forwardConnectTo !== undefined) {
    throw new UsageError('--forward-connect-to and --events-from @self cannot be combined: @self leaves Connect events out', { hint: 'drop --forward-connect-to, or use --events-from all' });
  }
  for (const header of options.header ?? []) headerArg(header);
  checkRecordOptions(options);
  return { routing, ...selectionFor(events, hasThinDestination(routing)), ...(eventsFrom !== undefined && { eventsFrom }) };
}

/** --all-events, --events or --flow; none: the built-in flows' events (the Stripe CLI refuses to listen without a selection). */
async function eventSelection(options: Pick<ListenChoices, 'allEvents' | 'events' | 'flow'>, cwd: string): Promise<KindSelection> {
  if (options.allEvents) return 'all';
  if (options.events !== undefined) return listenEventList(options.events);
  // A flow's thin steps too: they go through a second `stripe listen` (stripe-cli/listen-selection.ts).
  if (options.flow !== undefined) return flowEvents(await resolveFlow(options.flow, { cwd }));
  return builtinFlowEvents();
}

/** `--events a,b`: snapshot and thin types, each checked against the SDK's lists (with "did you mean"); no duplicates, order kept. */
function listenEventList(list: string, flag = '--events'): string[] {
  const names = list.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`${flag} is empty`, { hint: `e.g. ${flag} payment_intent.succeeded,charge.refunded` });
  return listenEventTypes(names, flag);
}

/** Event types to listen for, of either kind, each checked (`where` names the option in messages); no duplicates, order kept. */
export function listenEventTypes(names: readonly string[], where: string): string[] {
  return [...new Set(names.map((name) => assertFlowEventType(name, where)))];
}
