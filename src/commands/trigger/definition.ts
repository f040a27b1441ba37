/** `trigger`'s options, argument and help; its handler (./handler.ts) gets the option type inferred here. */
import { Command, Option } from '@commander-js/extra-typings';
import { collect, docsPages, envFileAlias, examples, integerOption, offlineThinOptions, recordOptions, relayOptions, secondsOption, withDotenv, type OptionsOf, type Start } from '../options.js';

const EXAMPLES = [
  'stripe-hooks trigger payment_intent.succeeded',
  'stripe-hooks trigger payment_intent.succeeded --offline --dotenv .env',
  'stripe-hooks trigger invoice.paid --offline --override invoice:billing_reason=subscription_create --json',
  'stripe-hooks trigger customer.created --override customer:email=jenny@example.com',
  'stripe-hooks trigger payment_intent.succeeded --offline --record one.ndjson   # then: stripe-hooks replay one.ndjson',
  'stripe-hooks trigger v1.billing.meter.error_report_triggered --offline   # a thin event, as v2 event destinations get them',
  'stripe-hooks trigger v1.billing.meter.no_meter_found --thin-to localhost:4242/webhook/thin   # live: stripe trigger under a stripe listen for thin events',
  'stripe-hooks trigger v1.billing.meter.no_meter_found --offline --thin-to localhost:4242/webhook/thin --dotenv .env   # signed with STRIPE_WEBHOOK_SECRET_THIN if set',
];

const triggerDefinition = () =>
  new Command('trigger')
    .description('send one event to the app and verify it was delivered and acknowledged: live through `stripe trigger`, or signed straight to the app with --offline')
    .argument('<event>', 'the event type, e.g. payment_intent.succeeded')
    .addOption(new Option('--override <object:path=value>', "change a field of the event's objects, e.g. payment_intent:amount=5000 (repeatable; as stripe trigger --override)").argParser(collect))
    .addOption(new Option('--add <object:path=value>', 'set a field only where it is empty (repeatable; as stripe trigger --add)').argParser(collect))
    .addOption(new Option('--remove <object:path>', 'remove a field (repeatable; as stripe trigger --remove)').argParser(collect))
    .option('--dry-run', 'print the command or the event that would be sent, send nothing')
    .option('-f, --forward-to <url>', 'the app\'s webhook URL', 'http://localhost:4242/webhook')
    .addOption(secondsOption('--timeout <seconds>', 'how long the event may take to be delivered and answered (offline, the shorter of this and --forward-timeout)').default(30_000, '30'))
    .addOption(new Option('--stripe-account <id>', 'trigger on a connected account (acct_…)').conflicts('offline'))
    .addOption(offlineThinOptions.thinTo('; live, a `stripe listen` for thin events forwards them'))
    .addOption(relayOptions.eventsFrom().conflicts('offline'))
    .addOption(relayOptions.forwardTimeout())
    .addOption(recordOptions.record('the event delivered (offline: sent) and the app\'s answer'))
    .addOption(recordOptions.live())
    .option('--offline', 'no Stripe CLI or account: sign a realistic event and POST it straight to the app')
    .addOption(new Option('--secret <secret>', 'signing secret the app verifies with (offline; prefer STRIPE_WEBHOOK_SECRET: ps shows flags)'))
    .addOption(offlineThinOptions.thinSecret())
    .addOption(new Option('--dotenv <path>', 'read the secret from (or write a generated one to) this dotenv file (offline)'))
    .addOption(envFileAlias())
    .addOption(new Option('--api-version <version>', 'api_version stamped on the event (offline; default: the SDK\'s pinned version)'))
    .addOption(integerOption('--seed <n>', 'make ids and the payload reproducible (offline; random when not given)', 0, 0xffffffff))
    .addHelpText('after', `${examples(...EXAMPLES)}\n${docsPages('trigger.md', 'offline-and-audit.md')}`);

/** What the handler receives; `timeout` is in milliseconds. */
export type TriggerCommandOptions = ReturnType<typeof withDotenv<OptionsOf<typeof triggerDefinition>>>;

// The handler loads when the command runs: it brings the runners, which `--help` never needs.
export const triggerCommand = (start: Start) =>
  triggerDefinition().action((event, options) => start('trigger', () => import('./handler.js').then((m) => m.run), event, withDotenv(options)));
