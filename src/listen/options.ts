/**
 * The rules `listen`'s options follow, checked before anything is spawned (a usage error never leaves a child
 * behind): where deliveries go, which events, the headers, the dotenv key, and --record's rules.
 */
import { builtinFlowEvents, parseEventList } from '../flows/events.js';
import { flowEventTypes } from '../flows/load.js';
import { validateEnvKey } from '../lib/env-file.js';
import { parseForwardUrl } from '../lib/forward-url.js';
import { checkRecordOptions } from '../record/policy.js';
import { parseRoute, type Routing } from '../relay/routing.js';
import { headerArg, type ListenArgs } from '../stripe-cli/listen.js';

export interface ListenChoices {
  forwardTo: string;
  forwardConnectTo?: string;
  route?: string[];
  /** At most one of events, flow and allEvents (commander refuses more). */
  events?: string;
  flow?: string;
  allEvents?: boolean;
  header?: string[];
  dotenv?: string;
  envKey: string;
  record?: string;
  live?: boolean;
}

export interface CheckedListenOptions {
  routing: Routing;
  events: ListenArgs['events'];
}

export async function checkListenOptions(options: ListenChoices, cwd: string): Promise<CheckedListenOptions> {
  if (options.dotenv !== undefined) validateEnvKey(options.envKey);
  const routing: Routing = {
    forwardTo: parseForwardUrl(options.forwardTo),
    forwardConnectTo: options.forwardConnectTo === undefined ? undefined : parseForwardUrl(options.forwardConnectTo, '--forward-connect-to'),
    routes: (options.route ?? []).map(parseRoute),
  };
  const events = await eventSelection(options, cwd);
  for (const header of options.header ?? []) headerArg(header);
  checkRecordOptions(options);
  return { routing, events };
}

/** --all-events, --events or --flow; none: the built-in flows' events (the Stripe CLI refuses to listen without a selection). */
async function eventSelection(options: Pick<ListenChoices, 'allEvents' | 'events' | 'flow'>, cwd: string): Promise<ListenArgs['events']> {
  if (options.allEvents) return 'all';
  if (options.events !== undefined) return parseEventList(options.events);
  if (options.flow !== undefined) return flowEventTypes(options.flow, { cwd });
  return builtinFlowEvents();
}
