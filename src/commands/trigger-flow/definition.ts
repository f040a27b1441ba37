/** `trigger-flow`'s options, arguments and help; its handler (./handler.ts) gets the option type inferred here. */
import { Command, Option } from '@commander-js/extra-typings';
import { auditOption, docsPages, envFileAlias, examples, inspectOptions, integerOption, recordOptions, relayOptions, secondsOption, withDotenv, type OptionsOf, type Start } from '../options.js';

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
    .argument('[flow]', 'a built-in flow (payment, subscription, invoice, invoice-void) or one from --file or stripe-hooks.config.*')
    .option('--file <path>', 'flow definition file (YAML or JSON), or a recording (offline: its event types as a flow)')
    .option('--list', 'list the available flows')
    .option('--dry-run', 'print the commands or deliveries that would run, run nothing')
    .option('-f, --forward-to <url>', 'the app\'s webhook URL', 'http://localhost:4242/webhook')
    .addOption(new Option('--no-listen', 'only fire triggers (you run your own listener); the run is unverified').conflicts('offline'))
    .addOption(secondsOption('--step-timeout <seconds>', 'how long each step may take (offline, a delivery waits the shorter of this and --forward-timeout)').default(30_000, '30'))
    .option('--continue-on-error', 'run the remaining steps after a failure')
    .addOption(new Option('--stripe-account <id>', 'trigger on a connected account (acct_…)').conflicts('offline'))
    .addOption(relayOptions.route().conflicts('offline'))
    // --reorder-window implies --serial: listed first, its own name is the one a conflict reports.
    .addOption(relayOptions.reorderWindow().conflicts('offline'))
    .addOption(relayOptions.serial().conflicts('offline'))
    .addOption(relayOptions.forwardTimeout())
    // Live, the relay records what Stripe delivered; offline, the runner records what it sent (replay it later).
    .addOption(recordOptions.record('every event delivered (offline: every event sent) and the app\'s answer'))
    .addOption(recordOptions.live())
    .option('--offline', 'no Stripe CLI or account: sign realistic events and POST them straight to the app')
    .addOption(offlineOnly(new Option('--secret <secret>', 'signing secret the app verifies with (offline; prefer STRIPE_WEBHOOK_SECRET: ps shows flags)')))
    .addOption(offlineOnly(new Option('--dotenv <path>', 'read the secret from (or write a generated one to) this dotenv file (offline)')))
    .addOption(offlineOnly(envFileAlias()))
    .addOption(offlineOnly(new Option('--api-version <version>', 'the API version your app is pinned to: the events carry it and their objects take its shape (offline; default: a flow file\'s apiVersion:, else the stripe package in ./node_modules, else the SDK\'s)')))
    .addOption(offlineOnly(integerOption('--seed <n>', 'make ids, payloads and --shuffle reproducible (offline; random when not given, and a failed run\'s hint names it)', 0, 0xffffffff)))
    .addOption(offlineOnly(new Option('--duplicate', 'deliver every event twice with the same id (offline)')))
    .addOption(offlineOnly(new Option('--shuffle', 'deliver the flow out of order (offline)')))
    .addOption(offlineOnly(integerOption('--repeat <n>', 'run n independent flow instances (offline)', 1, 100_000).default(1)))
    .addOption(offlineOnly(integerOption('--concurrency <n>', 'flow instances in flight at once with --repeat (offline)', 1, 1000).default(1)))
    .addOption(offlineOnly(auditOption('copies of the flow\'s first event', ' (offline)')))
    .addOption(inspectOptions.inspect().conflicts(['dryRun', 'list']))
    .addOption(inspectOptions.limit())
    .addOption(inspectOptions.open())
    .addOption(inspectOptions.report().conflicts(['dryRun', 'list']))
    .addHelpText(
      'after',
      examples(
        'stripe-hooks trigger-flow --list',
        'stripe-hooks trigger-flow payment',
        'stripe-hooks trigger-flow payment --dry-run',
        'stripe-hooks trigger-flow payment --record payment.ndjson',
        'stripe-hooks trigger-flow payment --inspect   # the steps and each delivery in the browser; Ctrl+C stops',
        'stripe-hooks trigger-flow payment --offline --report-html report.html   # the same page as one file, for CI',
        'stripe-hooks trigger-flow --file flows/refund.yaml refund --json',
        'stripe-hooks trigger-flow payment --offline --dotenv .env --audit',
        'stripe-hooks trigger-flow payment --offline --record payment.ndjson',
        'stripe-hooks trigger-flow payment --offline --repeat 100 --concurrency 8 --seed 42',
      ),
    )
    .addHelpText('after', docsPages('trigger-flow.md', 'offline-and-audit.md', 'inspect.md'));

/** What the handler receives; `stepTimeout` is in milliseconds. */
export type TriggerFlowCommandOptions = ReturnType<typeof withDotenv<OptionsOf<typeof triggerFlowDefinition>>>;

/** The first offline-only option given (as its flag, e.g. "--duplicate"), for the live runner to refuse. */
export function offlineOnlyGiven(options: TriggerFlowCommandOptions): string | undefined {
  const given = new Map(Object.entries(options));
  // `--env-file` reaches the handler folded into `dotenv` (withDotenv), so it is found as --dotenv. A value equal to
  // the option's default (--repeat 1) changes nothing live, so it is no reason to refuse.
  const set = (option: Option) => ![undefined, option.defaultValue].includes(given.get(option.attributeName()));
  const option = triggerFlowDefinition().options.find((candidate) => OFFLINE_ONLY.has(candidate) && set(candidate));
  return option && (option.long ?? option.flags);
}

// The handler loads when the command runs, not before: it brings the runners, undici and the Stripe CLI plumbing, which `--help` never needs.
export const triggerFlowCommand = (start: Start) =>
  triggerFlowDefinition().action((flow, options) =>
    start('trigger-flow', () => import('./handler.js').then((m) => m.run), flow, withDotenv(options)),
  );
