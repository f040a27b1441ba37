/** `trigger-flow`: its options and help. The handler is src/commands/trigger-flow.ts, loaded only when it runs. */
import { Command, Option } from '@commander-js/extra-typings';
import { dotenvOption, examples, integerOption, secondsOption, withDotenv, type Start } from './common.js';

/** Attribute name -> flag of every option marked `offlineOnly` below. */
const OFFLINE_ONLY = new Map<string, string>();

/** Marks an option as meaningful only with --offline; the live runner refuses it (see `offlineOnlyGiven`). */
function offlineOnly<O extends Option<string, unknown, unknown, unknown, boolean, unknown>>(option: O): O {
  OFFLINE_ONLY.set(option.attributeName(), option.long ?? option.flags);
  return option;
}

const definition = () =>
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
    .option('--offline', 'no Stripe CLI or account: sign realistic events and POST them straight to the app')
    .addOption(offlineOnly(new Option('--secret <whsec>', 'signing secret the app verifies with (offline; or STRIPE_WEBHOOK_SECRET)')))
    .addOption(offlineOnly(new Option('--env-file <path>', 'read the secret from (or write a generated one to) this dotenv file (offline)')))
    .addOption(offlineOnly(dotenvOption()))
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
        'stripe-hooks trigger-flow --file flows/refund.yaml refund --json',
        'stripe-hooks trigger-flow payment --offline --secret "$STRIPE_WEBHOOK_SECRET" --audit',
        'stripe-hooks trigger-flow payment --offline --repeat 100 --concurrency 8 --seed 42',
      ),
    );

/** What the handler receives; `stepTimeout` is in milliseconds. */
export type TriggerFlowOptions = ReturnType<typeof withDotenv<ReturnType<ReturnType<typeof definition>['opts']>>>;

/** The first offline-only option given (as its flag, e.g. "--duplicate"), for the live runner to refuse. */
export function offlineOnlyGiven(options: TriggerFlowOptions): string | undefined {
  for (const [name, value] of Object.entries(options)) {
    const flag = OFFLINE_ONLY.get(name);
    if (flag !== undefined && value !== undefined) return flag;
  }
  return undefined;
}

export const triggerFlowCommand = (start: Start) =>
  definition().action((flow, options) =>
    start('trigger-flow', () => import('../commands/trigger-flow.js').then((m) => m.run), flow, withDotenv(options)),
  );
