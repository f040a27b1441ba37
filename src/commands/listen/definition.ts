/** `listen`'s options, arguments and help; its handler (./handler.ts) gets the option type inferred here. */
import { Command, Option } from '@commander-js/extra-typings';
import { collect, docsPages, envFileAlias, examples, hiddenAlias, inspectOptions, recordOptions, relayOptions, secondsOption, withDotenv, type OptionsOf, type Start } from '../options.js';

const listenDefinition = () =>
  new Command('listen')
    .description('run `stripe listen`, capture the signing secret and show every delivery and the app\'s answer')
    .option('-f, --forward-to <url>', 'the app\'s webhook URL', 'http://localhost:4242/webhook')
    // One way to select events: commander refuses a second (reworded in cli.ts as "… cannot be combined").
    // --all-events was --all here: one name for "every event type" in every command.
    .addOption(hiddenAlias('--all', 'allEvents').conflicts(['events', 'flow']))
    .addOption(new Option('-e, --events <types>', 'comma-separated event types to forward (default: those the built-in flows name)').conflicts(['flow', 'allEvents']))
    .addOption(new Option('--flow <name>', 'forward the events of this flow').conflicts('allEvents'))
    .option('--all-events', 'forward every event type (the Stripe CLI\'s --all-snapshot)')
    .option('--dotenv <path>', 'write the signing secret into this dotenv file (atomically)')
    .addOption(envFileAlias())
    .option('--env-key <name>', 'variable name for the secret in --dotenv', 'STRIPE_WEBHOOK_SECRET')
    .option('--print-secret', 'print only the signing secret and exit')
    .option('--forward-connect-to <url>', 'where to forward Connect events (default: --forward-to)')
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
    .addOption(inspectOptions.inspect().conflicts('printSecret'))
    .addOption(inspectOptions.limit())
    .addOption(inspectOptions.open())
    .addHelpText(
      'after',
      examples(
        'stripe-hooks listen',
        'stripe-hooks listen --forward-to http://localhost:3000/api/webhooks --dotenv .env',
        'stripe-hooks listen --flow payment --json',
        'stripe-hooks listen --record events.ndjson',
        'stripe-hooks listen --inspect --open',
        "stripe-hooks listen --forward-to localhost:4242/webhook --route 'invoice.*=localhost:4000/billing' --serial",
        'export STRIPE_WEBHOOK_SECRET=$(stripe-hooks listen --print-secret)',
      ),
    )
    .addHelpText('after', docsPages('listen.md', 'inspect.md'));

/** What the handler receives; `readyTimeout` is in milliseconds. */
export type ListenCommandOptions = ReturnType<typeof withDotenv<OptionsOf<typeof listenDefinition>>>;

// The handler loads when the command runs, not before: it brings the relay, undici and the Stripe CLI plumbing, which `--help` never needs.
export const listenCommand = (start: Start) =>
  listenDefinition().action((options) => start('listen', () => import('./handler.js').then((m) => m.run), withDotenv(options)));
