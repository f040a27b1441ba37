/**
 * Every command's definition: its options, arguments and help, from which the
 * handler's option type is inferred (exported below, e.g. `ListenOptions`). Each
 * action imports its handler from src/commands/ only when it runs.
 *
 * One module on purpose: `--help` loads all of it, and on Node 20 every extra ES
 * module costs start-up time (about 1.5 ms each; bench/startup.js).
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { parseInteger, parseSeconds } from '../lib/option-values.js';

/** A command's handler: its arguments and typed options, then the Context. */
export type Handler<A extends unknown[]> = (...args: [...A, Context]) => Promise<void>;

/** The parsed options of a definition (commander infers them from its .option() calls). */
type OptionsOf<C extends () => { opts(): object }> = ReturnType<ReturnType<C>['opts']>;

/**
 * Runs one command: `load` imports its handler only now (so `--help` loads no command module),
 * and the caller supplies the Context. `name` is the command's path, e.g. "endpoints delete".
 */
export type Start = <A extends unknown[]>(name: string, load: () => Promise<Handler<A>>, ...args: A) => Promise<void>;

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** For repeatable options: every value, in order. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `--env-file`, kept as an alias of `--dotenv`: Node (20 to 24, nodejs/node#54232) claims `--env-file` anywhere on
 * its command line, even after the script, and exits 9 before our code runs when that path is missing or not a
 * file. `withDotenv` folds it into `dotenv`, the one name handlers read.
 */
export const envFileAlias = () =>
  new Option('--env-file <path>', 'alias of --dotenv; Node may intercept it, see docs/README.md#--dotenv-and---env-file').conflicts('dotenv');

/** The options a handler sees: `--env-file` folded into `dotenv` (commander refuses both at once). */
export function withDotenv<O extends { envFile?: string; dotenv?: string }>({ envFile, ...options }: O): Omit<O, 'envFile'> & { dotenv?: string } {
  return { ...options, dotenv: options.dotenv ?? envFile };
}

const longFlag = (flags: string) => /--[\w-]+/.exec(flags)?.[0] ?? flags;

/** An option of seconds (> 0, at most an hour), parsed to milliseconds. */
export function secondsOption<const F extends string>(flags: F, description: string) {
  const flag = longFlag(flags);
  return new Option(flags, description).argParser((value: string) => parseSeconds(value, flag));
}

/** An option holding a whole number from `min` to `max` (`example` goes in the hint of an error). */
export function integerOption<const F extends string>(flags: F, description: string, min: number, max: number, example?: number) {
  const flag = longFlag(flags);
  return new Option(flags, description).argParser((value: string) => parseInteger(value, flag, min, max, example));
}

/**
 * How live deliveries pass through the relay (src/relay/): routes, order, and the app's time limit.
 * Shared by listen and trigger-flow; `--forward-timeout` also bounds offline deliveries.
 */
const relayOptions = {
  route: () =>
    // Parsed by the handler (relay/routing.ts): --help loads no more modules than it must.
    new Option('--route <glob=url>', "send event types matching GLOB to URL instead, e.g. 'invoice.*=localhost:4000/billing' (repeatable; first match wins)")
      .argParser(collect),
  serial: () => new Option('--serial', 'forward one event at a time, in the order Stripe created them (waits --reorder-window for stragglers)'),
  reorderWindow: () =>
    integerOption('--reorder-window <ms>', 'how long each event waits for an earlier-created one (implies --serial)', 0, 10_000, 250)
      .default(250)
      .implies({ serial: true }),
  forwardTimeout: () =>
    new Option('--forward-timeout <seconds>', "fail a delivery the app has not answered within this many seconds (at most Stripe's 30)")
      .argParser((value: string) => parseSeconds(value, '--forward-timeout', 30))
      .default(30_000, '30'),
};

/** --record and --live, shared by listen and the live trigger-flow (the recorder: src/record/writer.ts). */
const recordOptions = {
  record: () => new Option('--record <file>', 'append every event the relay delivers to FILE, one NDJSON line each (created 0600; replay it later)'),
  live: () => new Option('--live', 'with --record: record livemode events too (live customer data; refused by default)'),
};

// ── setup (handler: src/commands/setup.ts) ──

const setupDefinition = () =>
  new Command('setup')
    .description('find the Stripe CLI (or install it, verified) and report what is usable')
    .option('-y, --yes', 'install without asking when the Stripe CLI is missing (implied by CI=true)')
    .option('--cli-version <version>', 'Stripe CLI version to install (default: 1.52.0, the version stripe-hooks is tested with)')
    .option('--from-release', 'install from the GitHub release tarball (sha256-checked) instead of npm')
    .option('--download-base <url>', 'https base URL of release downloads, for mirrors (with --from-release; plain http only on loopback)')
    .option('--force', 'install into the cache even when a Stripe CLI is already found')
    .addHelpText('after', examples('stripe-hooks setup', 'stripe-hooks setup --yes --json', 'stripe-hooks setup --from-release --cli-version 1.52.0'));

export type SetupOptions = OptionsOf<typeof setupDefinition>;

export const setupCommand = (start: Start) =>
  setupDefinition().action((options) => start('setup', () => import('../commands/setup.js').then((m) => m.run), options));

// ── listen (handler: src/commands/listen.ts) ──

const listenDefinition = () =>
  new Command('listen')
    .description('run `stripe listen`, capture the signing secret and show every delivery and the app\'s answer')
    .option('-f, --forward-to <url>', 'where to forward events', 'http://localhost:4242/webhook')
    // One way to select events: commander refuses a second (reworded in cli.ts as "… cannot be combined").
    .addOption(new Option('-e, --events <types>', 'comma-separated event types to forward').conflicts(['flow', 'all']))
    .addOption(new Option('--flow <name>', 'forward the events of this flow').conflicts('all'))
    .option('--all', 'forward every event type (the Stripe CLI\'s --all-snapshot)')
    .option('--dotenv <path>', 'write the signing secret into this dotenv file (atomically)')
    .addOption(envFileAlias())
    .option('--env-key <name>', 'variable name for the secret in --dotenv', 'STRIPE_WEBHOOK_SECRET')
    .option('--print-secret', 'print only the signing secret and exit')
    .option('--forward-connect-to <url>', 'where to forward Connect events')
    .option('-H, --header <header>', 'extra header for forwarded requests, "Key: Value" (repeatable)', collect)
    .option('--skip-verify', 'skip TLS certificate verification when forwarding to https')
    .option('--latest', 'receive events in the latest API version rather than the account default')
    .addOption(relayOptions.route())
    .addOption(relayOptions.serial())
    .addOption(relayOptions.reorderWindow())
    .addOption(relayOptions.forwardTimeout())
    .addOption(secondsOption('--ready-timeout <seconds>', 'give up when not ready within this many seconds').default(30_000, '30'))
    .addOption(recordOptions.record().conflicts('printSecret'))
    .addOption(recordOptions.live())
    .addHelpText(
      'after',
      examples(
        'stripe-hooks listen',
        'stripe-hooks listen --forward-to http://localhost:3000/api/webhooks --dotenv .env',
        'stripe-hooks listen --flow payment --json',
        'stripe-hooks listen --record events.ndjson',
        "stripe-hooks listen --forward-to localhost:4242/webhook --route 'invoice.*=localhost:4000/billing' --serial",
        'export STRIPE_WEBHOOK_SECRET=$(stripe-hooks listen --print-secret)',
      ),
    );

/** What the handler receives; `readyTimeout` is in milliseconds. */
export type ListenOptions = ReturnType<typeof withDotenv<OptionsOf<typeof listenDefinition>>>;

export const listenCommand = (start: Start) =>
  listenDefinition().action((options) => start('listen', () => import('../commands/listen.js').then((m) => m.run), withDotenv(options)));

// ── trigger-flow (handler: src/commands/trigger-flow.ts) ──

/** The options marked `offlineOnly` below (a tag on the Option object; the definition stays the one list). */
const OFFLINE_ONLY = new WeakSet<object>();

/** Marks an option as meaningful only with --offline; the live runner refuses it (see `offlineOnlyGiven`). */
function offlineOnly<O extends Option<string, unknown, unknown, unknown, boolean, unknown>>(option: O): O {
  OFFLINE_ONLY.add(option);
  return option;
}

const triggerFlowDefinition = () =>
  new Command('trigger-flow')
    .description('fire a sequence of events in order and verify each was delivered and acknowledged')
    .argument('[flow]', 'built-in flow name (payment, subscription, invoice, …) or a flow from --file')
    .option('--file <path>', 'flow definition file (YAML or JSON)')
    .option('--list', 'list the available flows')
    .option('--dry-run', 'print the commands or deliveries that would run, run nothing')
    .option('-f, --forward-to <url>', 'the app\'s webhook URL', 'http://localhost:4242/webhook')
    .addOption(new Option('--no-listen', 'only fire triggers (you run your own listener); the run is unverified').conflicts('offline'))
    .addOption(secondsOption('--step-timeout <seconds>', 'how long each step may take').default(30_000, '30'))
    .option('--continue-on-error', 'run the remaining steps after a failure')
    .addOption(new Option('--stripe-account <id>', 'trigger on a connected account (acct_…)').conflicts('offline'))
    .addOption(relayOptions.route().conflicts('offline'))
    // --reorder-window implies --serial: listed first, its own name is the one a conflict reports.
    .addOption(relayOptions.reorderWindow().conflicts('offline'))
    .addOption(relayOptions.serial().conflicts('offline'))
    .addOption(relayOptions.forwardTimeout())
    // Not conflicts('offline'): the handler says why (offline events are synthesized; --seed reproduces them).
    .addOption(recordOptions.record())
    .addOption(recordOptions.live())
    .option('--offline', 'no Stripe CLI or account: sign realistic events and POST them straight to the app')
    .addOption(offlineOnly(new Option('--secret <secret>', 'signing secret the app verifies with (offline; prefer STRIPE_WEBHOOK_SECRET: ps shows flags)')))
    .addOption(offlineOnly(new Option('--dotenv <path>', 'read the secret from (or write a generated one to) this dotenv file (offline)')))
    .addOption(offlineOnly(envFileAlias()))
    .addOption(offlineOnly(new Option('--api-version <version>', 'api_version stamped on synthesized events (offline)')))
    .addOption(offlineOnly(integerOption('--seed <n>', 'make ids, payloads and --shuffle reproducible (offline)', 0, 0xffffffff)))
    .addOption(offlineOnly(new Option('--duplicate', 'deliver every event twice with the same id (offline)')))
    .addOption(offlineOnly(new Option('--shuffle', 'deliver the flow out of order (offline)')))
    .addOption(offlineOnly(integerOption('--repeat <n>', 'run n independent flow instances (offline)', 1, 100_000)))
    .addOption(offlineOnly(integerOption('--concurrency <n>', 'flow instances in flight at once with --repeat (offline)', 1, 1000)))
    .addOption(offlineOnly(new Option('--audit', 'check the handler rejects forged, stale and tampered events (offline)')))
    .addHelpText(
      'after',
      examples(
        'stripe-hooks trigger-flow --list',
        'stripe-hooks trigger-flow payment',
        'stripe-hooks trigger-flow payment --dry-run',
        'stripe-hooks trigger-flow payment --record payment.ndjson',
        'stripe-hooks trigger-flow --file flows/refund.yaml refund --json',
        'stripe-hooks trigger-flow payment --offline --dotenv .env --audit',
        'stripe-hooks trigger-flow payment --offline --repeat 100 --concurrency 8 --seed 42',
      ),
    );

/** What the handler receives; `stepTimeout` is in milliseconds. */
export type TriggerFlowOptions = ReturnType<typeof withDotenv<OptionsOf<typeof triggerFlowDefinition>>>;

/** The first offline-only option given (as its flag, e.g. "--duplicate"), for the live runner to refuse. */
export function offlineOnlyGiven(options: TriggerFlowOptions): string | undefined {
  const given = new Map(Object.entries(options));
  // `--env-file` reaches the handler folded into `dotenv` (withDotenv), so it is found as --dotenv.
  const option = triggerFlowDefinition().options.find((candidate) => OFFLINE_ONLY.has(candidate) && given.get(candidate.attributeName()) !== undefined);
  return option && (option.long ?? option.flags);
}

export const triggerFlowCommand = (start: Start) =>
  triggerFlowDefinition().action((flow, options) =>
    start('trigger-flow', () => import('../commands/trigger-flow.js').then((m) => m.run), flow, withDotenv(options)),
  );

// ── register-endpoint (handler: src/commands/register-endpoint.ts) ──

const registerEndpointDefinition = () =>
  new Command('register-endpoint')
    .description('create or update a webhook endpoint idempotently (for deploy scripts)')
    .requiredOption('--url <url>', 'the endpoint\'s public URL')
    .option('-e, --events <types>', 'comma-separated event types (or "*")')
    .option('--flow <name>', 'subscribe to the events of this flow')
    .option('--all-events', 'subscribe to every event type ("*")')
    .option('--description <text>', 'endpoint description')
    .option('--api-version <version>', 'API version of events sent to it (default: the SDK\'s pinned version)')
    .option('--connect', 'receive events from connected accounts')
    .option('--metadata <key=value>', 'metadata entry (repeatable)', collect)
    .option('--disabled', 'create or leave the endpoint disabled')
    .option('--dotenv <path>', 'write the new signing secret into this dotenv file')
    .addOption(envFileAlias())
    .option('--env-key <name>', 'variable name for the secret in --dotenv', 'STRIPE_WEBHOOK_SECRET')
    .option('--dry-run', 'show what would change, write nothing')
    .option('--live', 'allow a live-mode key')
    .addHelpText(
      'after',
      examples(
        'stripe-hooks register-endpoint --url https://app.example.com/webhook --flow payment',
        'stripe-hooks register-endpoint --url https://app.example.com/webhook --events invoice.paid,charge.refunded --dotenv .env',
        'stripe-hooks register-endpoint --url https://app.example.com/webhook --all-events --live --json',
      ),
    );

export type RegisterEndpointOptions = ReturnType<typeof withDotenv<OptionsOf<typeof registerEndpointDefinition>>>;

export const registerEndpointCommand = (start: Start) =>
  registerEndpointDefinition().action((options) =>
    start('register-endpoint', () => import('../commands/register-endpoint.js').then((m) => m.run), withDotenv(options)),
  );

// ── endpoints list|delete (handlers: src/commands/endpoints.ts) ──

const loadEndpoints = () => import('../commands/endpoints.js');

const listDefinition = () =>
  new Command('list')
    .description('list webhook endpoints')
    .option('--live', 'allow a live-mode key')
    .addHelpText('after', examples('stripe-hooks endpoints list', 'stripe-hooks endpoints list --json'));

const deleteDefinition = () =>
  new Command('delete')
    .description('delete a webhook endpoint by id or URL')
    .argument('[id]', 'endpoint id (we_…)')
    .option('--url <url>', 'delete the endpoint with this URL')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .option('--live', 'allow a live-mode key')
    .addHelpText('after', examples('stripe-hooks endpoints delete we_123', 'stripe-hooks endpoints delete --url https://app.example.com/webhook --yes'));

export type EndpointsListOptions = OptionsOf<typeof listDefinition>;
export type EndpointsDeleteOptions = OptionsOf<typeof deleteDefinition>;

export const endpointsCommand = (start: Start) =>
  new Command('endpoints')
    .description('list or delete webhook endpoints')
    .addCommand(listDefinition().action((options) => start('endpoints list', () => loadEndpoints().then((m) => m.runList), options)))
    .addCommand(deleteDefinition().action((id, options) => start('endpoints delete', () => loadEndpoints().then((m) => m.runDelete), id, options)));

// ── demo (handler: src/commands/demo.ts; no options of its own) ──

export const demoCommand = (start: Start) =>
  new Command('demo')
    .description('offline payment flow and handler audit against a built-in example app (no account needed)')
    .addHelpText('after', examples('stripe-hooks demo', 'stripe-hooks demo --json'))
    .action(() => start('demo', () => import('../commands/demo.js').then((m) => m.run)));

// ── replay (handler: src/commands/replay.ts) ──

const replayDefinition = () =>
  new Command('replay')
    .description('send a recording\'s events to the app again, re-signed, byte for byte, in the order they arrived')
    .argument('<file>', 'a recording (NDJSON) written by `listen --record` or `trigger-flow --record`')
    .option('-f, --forward-to <url>', 'the app\'s webhook URL', 'http://localhost:4242/webhook')
    .addOption(new Option('--secret <secret>', 'signing secret the app verifies with (prefer STRIPE_WEBHOOK_SECRET: ps shows flags)'))
    .option('--dotenv <path>', 'read the secret from (or write a generated one to) this dotenv file')
    .addOption(envFileAlias())
    .option('--only <globs>', "only event types matching one of these comma-separated globs, e.g. 'invoice.*,charge.refunded'")
    .option('--since <evt_id>', 'start at this event (inclusive), skipping the ones recorded before it')
    .option('--duplicate', 'deliver every event twice with the same id, signed anew each time')
    .option('--shuffle', 'deliver the events out of order (reproducible with --seed)')
    .addOption(integerOption('--seed <n>', 'the --shuffle order (printed when not given)', 0, 0xffffffff))
    .option('--continue-on-error', 'send the remaining events after a failure')
    .addOption(relayOptions.forwardTimeout())
    .option('--audit', 'then check the handler rejects forged, stale and tampered copies of the first event')
    .option('--dry-run', 'list what would be sent, in order, and send nothing (no secret needed)')
    .addHelpText(
      'after',
      examples(
        'stripe-hooks replay events.ndjson --forward-to localhost:4242/webhook --dotenv .env',
        "stripe-hooks replay events.ndjson --only 'invoice.*,charge.refunded' --since evt_1QabcXYZ",
        'stripe-hooks replay events.ndjson --duplicate --shuffle --seed 7 --json',
        'stripe-hooks replay events.ndjson --dry-run',
        'stripe-hooks trigger-flow --file events.ndjson --offline   # fresh events of the recorded types',
      ),
    );

export type ReplayOptions = ReturnType<typeof withDotenv<OptionsOf<typeof replayDefinition>>>;

export const replayCommand = (start: Start) =>
  replayDefinition().action((file, options) => start('replay', () => import('../commands/replay.js').then((m) => m.run), file, withDotenv(options)));
