/** `inspect`'s options, arguments and help; its handler (./handler.ts) gets the option type inferred here. */
import { Command, Option } from '@commander-js/extra-typings';
import { docsPages, envFileAlias, examples, inspectOptions, withDotenv, type OptionsOf, type Start } from '../options.js';

const inspectDefinition = () =>
  new Command('inspect')
    .description('show a recording in the local inspector (no Stripe CLI, no network); replay from it with --forward-to')
    .argument('<file>', 'a recording (NDJSON) written by `listen --record`, `trigger-flow --record` or the inspector\'s export')
    .option('-f, --forward-to <url>', 'the app\'s webhook URL replays from the page go to (none: replay is off)')
    .addOption(new Option('--secret <secret>', 'signing secret replays are signed with (prefer STRIPE_WEBHOOK_SECRET: ps shows flags)'))
    .option('--dotenv <path>', 'read the secret from this dotenv file (STRIPE_WEBHOOK_SECRET)')
    .addOption(envFileAlias())
    .addOption(inspectOptions.limit())
    .addOption(inspectOptions.open())
    .addOption(new Option('--report-html <file>', 'write the recording as one self-contained HTML page and exit (no server)').conflicts(['open', 'forwardTo']))
    .addHelpText(
      'after',
      examples(
        'stripe-hooks inspect events.ndjson --open',
        'stripe-hooks inspect events.ndjson --forward-to localhost:4242/webhook --dotenv .env',
        'stripe-hooks inspect events.ndjson --report-html report.html   # one file to keep or share, no server',
      ),
    )
    .addHelpText('after', docsPages('inspect.md'));

export type InspectCommandOptions = ReturnType<typeof withDotenv<OptionsOf<typeof inspectDefinition>>>;

// The handler loads when the command runs: it brings the recording reader, the server and undici.
export const inspectCommand = (start: Start) =>
  inspectDefinition().action((file, options) => start('inspect', () => import('./handler.js').then((m) => m.run), file, withDotenv(options)));
