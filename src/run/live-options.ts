/**
 * The rules a live `trigger-flow`'s options follow, checked before anything runs (each broken one a usage
 * error naming its flags), and the plan they make. The offline run's are offline-settings.ts's.
 */
import { UsageError } from '../errors.js';
import type { Flow } from '../flows/types.js';
import { parseForwardUrl } from '../lib/forward-url.js';
import { parseRoute } from '../relay/routing.js';
import { parseEventsFrom } from '../stripe-cli/listen-selection.js';
import { planFlow, type FlowPlan } from './plan.js';

export interface LiveFlowOptions {
  forwardTo: string;
  /** --thin-to: where thin events go. */
  thinTo?: string;
  route?: string[];
  /** --events-from. */
  eventsFrom?: string;
  stripeAccount?: string;
  /** --step-timeout, in ms. */
  stepTimeout: number;
  /** false with --no-listen. */
  listen: boolean;
  serial?: boolean;
  record?: string;
  /** The first option given that only an offline run takes, as its flag (e.g. "--duplicate"). */
  offlineOnly?: string;
}

export function planLiveRun(flow: Flow, options: LiveFlowOptions, apiBase: URL | undefined): FlowPlan {
  const { offlineOnly } = options;
  if (offlineOnly) throw new UsageError(`${offlineOnly} works only with --offline`, { hint: `add --offline, or drop ${offlineOnly}` });
  if (options.stripeAccount !== undefined && !/^acct_[A-Za-z0-9]+$/.test(options.stripeAccount)) {
    throw new UsageError(`--stripe-account "${options.stripeAccount}" is not an account id`, { hint: 'use e.g. --stripe-account acct_1A2b3C4d5E6f7G8h' });
  }
  if (!options.listen && (options.route !== undefined || options.serial || options.thinTo !== undefined || options.eventsFrom !== undefined)) {
    const given = options.serial ? '--serial' : options.route !== undefined ? '--route' : options.thinTo !== undefined ? '--thin-to' : '--events-from';
    throw new UsageError(`${given} and --no-listen cannot be combined`, { hint: 'the relay that routes and orders deliveries runs with the listener' });
  }
  if (!options.listen && options.record !== undefined) {
    throw new UsageError('--record and --no-listen cannot be combined: events are recorded by the relay, which runs with the listener', { hint: 'drop --no-listen to record, or run `stripe-hooks listen --record FILE` as your listener' });
  }
  const eventsFrom = options.eventsFrom === undefined ? undefined : parseEventsFrom(options.eventsFrom);
  return planFlow(flow, {
    routing: {
      forwardTo: parseForwardUrl(options.forwardTo),
      ...(options.thinTo !== undefined && { thinTo: parseForwardUrl(options.thinTo, '--thin-to') }),
      routes: (options.route ?? []).map(parseRoute),
    },
    ...(eventsFrom !== undefined && { eventsFrom }),
    apiBase,
    stripeAccount: options.stripeAccount,
    stepTimeoutMs: options.stepTimeout,
    listen: options.listen,
  });
}
