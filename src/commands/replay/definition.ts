/** `replay`'s options, arguments and help; its handler (./handler.ts) gets the option type inferred here. */
import { Command, Option } from '@commander-js/extra-typings';
import { auditOption, docsPages, envFileAlias, examples, inspectOptions, integerOption, recordOptions, relayOptions, withDotenv, type OptionsOf, type Start } from '../options.js';

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
    .addOption(integerOption('--seed <n>', 'make the --shuffle order reproducible (random when not given, and printed)', 0, 0xffffffff))
    .option('--continue-on-error', 'send the remaining events after a failure')
    .addOption(relayOptions.forwardTimeout())
    .addOption(auditOption('copies of the first event sent'))
    .addOption(recordOptions.record('every event this replay sends and the app\'s answer'))
    .addOption(recordOptions.live())
    .option('--dry-run', 'list what would be sent, in order, and send nothing (no secret needed)')
    .addOption(inspectOptions.inspect().conflicts('dryRun'))
    .addOption(inspectOptions.limit())
    .addOption(inspectOptions.open())
    .addOption(inspectOptions.report().conflicts('dryRun'))
    .addHelpText(
      'after',
      examples(
        'stripe-hooks replay events.ndjson --forward-to localhost:4242/webhook --dotenv .env',
        "stripe-hooks replay events.ndjson --only 'invoice.*,charge.refunded' --since evt_1QabcXYZ",
        'stripe-hooks replay events.ndjson --duplicate --shuffle --seed 7 --json',
        'stripe-hooks replay events.ndjson --dry-run',
        'stripe-hooks replay events.ndjson --inspect   # each delivery and answer in the browser; Ctrl+C stops',
        'stripe-hooks replay events.ndjson --report-html report.html   # the same page as one file, for CI',
        'stripe-hooks replay events.ndjson --record again.ndjson   # what was sent and how the app answered this time',
        'stripe-hooks trigger-flow --file events.ndjson --offline   # fresh events of the recorded types',
      ),
    )
    .addHelpText('after', docsPages('replay.md', 'inspect.md'));

export type ReplayCommandOptions = ReturnType<typeof withDotenv<OptionsOf<typeof replayDefinition>>>;

// The handler loads when the command runs, not before: it brings the recording reader and undici, which `--help` never needs.
export const replayCommand = (start: Start) =>
  replayDefinition().action((file, options) => start('replay', () => import('./handler.js').then((m) => m.run), file, withDotenv(options)));
