/**
 * Every library function's options, as src/api/check.ts checks them (signPayload's, in the entry, by hand): one rule per option of each type in
 * options.ts (a missing rule, or one required where the type is optional, is a type error), with the limits
 * the CLI's flags have (the commands' definitions), in the units the library speaks (ms).
 */
import type * as Options from './options.js';
import { apiVersion, boolean, callback, flow, globs, httpUrl, integer, matching, plainObject, required, signal, stringMap, strings, text, type Rules } from './check.js';

const URL_EXAMPLE = 'http://localhost:4242/webhook';
const MAX_SEED = 0xffffffff;
/** Unix seconds up to the year 36812: any real time, and nothing that overflows a Date. */
const MAX_UNIX_S = 2 ** 40;

const url = required(httpUrl(URL_EXAMPLE));
const secret = required(text('whsec_…', true));
const seed = integer(0, MAX_SEED, 42);
/** Per delivery, at most Stripe's own 30 s. */
const timeoutMs = integer(1, 30_000, 5000);
/** Thin events' own URL and secret: the functions that sign events themselves. */
const offlineThin = { thinUrl: httpUrl('http://localhost:4242/webhook/thin'), thinSecret: text('whsec_…', true) };
const access = { apiKey: text('sk_test_…', true), apiBase: httpUrl('http://127.0.0.1:12111'), signal };
const stripeBin = text('/usr/local/bin/stripe', true);
/** Where thin events go, and whose events: startListener and triggerFlow. */
const liveSelection = {
  thinUrl: httpUrl('http://localhost:4242/thin-webhook'),
  eventsFrom: matching(/^(@self|@accounts|all)$/, '@self, @accounts or all', '@self'),
};

export const RULES = {
  deliverFlow: {
    flow: required(flow),
    url,
    secret,
    ...offlineThin,
    seed,
    duplicate: boolean,
    shuffle: boolean,
    repeat: integer(1, 100_000, 10),
    concurrency: integer(1, 1000, 8),
    continueOnError: boolean,
    apiVersion,
    timeoutMs,
    signal,
    record: text('events.ndjson', true),
  } satisfies Rules<Options.DeliverFlowOptions>,
  deliverEvent: {
    type: text('payment_intent.succeeded', true),
    event: plainObject({ id: 'evt_…', object: 'event', type: 'payment_intent.succeeded', data: { object: {} } }),
    overrides: strings(['payment_intent:amount=5000']),
    url,
    secret,
    ...offlineThin,
    apiVersion,
    seed,
    timeoutMs,
    signal,
    record: text('events.ndjson', true),
  } satisfies Rules<Options.DeliverEventOptions>,
  auditHandler: { url, secret, ...offlineThin, flow, seed, apiVersion, timeoutMs, signal, processed: callback('(id) => work.count(id)') } satisfies Rules<Options.AuditHandlerOptions>,
  triggerFlow: {
    flow: required(flow),
    url,
    stepTimeoutMs: integer(1, 3_600_000, 60_000),
    continueOnError: boolean,
    ...liveSelection,
    ...access,
    stripeBin,
  } satisfies Rules<Options.TriggerFlowOptions>,
  startListener: {
    url,
    events: strings(['invoice.paid']),
    record: text('events.ndjson', true),
    live: boolean,
    ...liveSelection,
    ...access,
    stripeBin,
  } satisfies Rules<Options.StartListenerOptions>,
  replay: {
    file: required(text('events.ndjson', true)),
    url,
    secret,
    ...offlineThin,
    only: globs(['invoice.*']),
    since: matching(/^evt_\w+$/, 'an event id', 'evt_1QxYk2LkdIwHu7ix3Vd0Rk9a'),
    duplicate: boolean,
    shuffle: boolean,
    seed,
    continueOnError: boolean,
    timeoutMs,
    signal,
    record: text('again.ndjson', true),
    live: boolean,
  } satisfies Rules<Options.ReplayOptions>,
  registerEndpoint: {
    url: required(httpUrl('https://app.example.com/webhook')),
    events: required(strings(['invoice.paid'])),
    description: text(),
    connect: boolean,
    metadata: stringMap({ deploy: 'web-1' }),
    apiVersion,
    disabled: boolean,
    dryRun: boolean,
    ...access,
  } satisfies Rules<Options.RegisterEndpointOptions>,
  listEndpoints: access satisfies Rules<Options.ListEndpointsOptions>,
  deleteEndpoint: {
    id: matching(/^we_[A-Za-z0-9]+$/, 'a webhook endpoint id (we_…)', 'we_1QxYk2LkdIwHu7ix'),
    url: httpUrl('https://app.example.com/webhook'),
    ...access,
  } satisfies Rules<Options.DeleteEndpointOptions>,
  synthesizeEvents: { flow: required(flow), seed, apiVersion, now: integer(0, MAX_UNIX_S, 1_700_000_000) } satisfies Rules<Options.SynthesizeEventsOptions>,
  locateStripeCli: { stripeBin, signal } satisfies Rules<Options.LocateStripeCliOptions>,
  /** A Listener's waitFor(match, options). */
  waitFor: { timeoutMs: integer(1, 2 ** 31 - 1, 60_000) } satisfies Rules<Options.WaitForOptions>,
};
