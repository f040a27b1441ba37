/** `listen`: its options and help. The handler is src/commands/listen.ts, loaded only when it runs. */
import { Command, Option } from '@commander-js/extra-typings';
import { collect, dotenvOption, examples, secondsOption, withDotenv, type Start } from './common.js';

const definition = () =>
  new Command('listen')
    .description('run `stripe listen`, capture the signing secret and show every delivery and the app\'s answer')
    .option('-f, --forward-to <url>', 'where to forward events', 'http://localhost:4242/webhook')
    // One way to select events: commander refuses a second (reworded in cli.ts as "… cannot be combined").
    .addOption(new Option('-e, --events <types>', 'comma-separated event types to forward').conflicts(['flow', 'all']))
    .addOption(new Option('--flow <name>', 'forward the events of this flow').conflicts('all'))
    .option('--all', 'forward every event type (the Stripe CLI\'s --all-snapshot)')
    .option('--env-file <path>', 'write the signing secret into this dotenv file (atomically)')
    .addOption(dotenvOption())
    .option('--env-key <name>', 'variable name for the secret in --env-file', 'STRIPE_WEBHOOK_SECRET')
    .option('--print-secret', 'print only the signing secret and exit')
    .option('--forward-connect-to <url>', 'where to forward Connect events')
    .option('-H, --header <header>', 'extra header for forwarded requests, "Key: Value" (repeatable)', collect)
    .option('--skip-verify', 'skip TLS certificate verification when forwarding to https')
    .option('--latest', 'receive events in the latest API version rather than the account default')
    .addOption(secondsOption('--ready-timeout <seconds>', 'give up when not ready within this many seconds').default(30_000, '30'))
    .addHelpText(
      'after',
      examples(
        'stripe-hooks listen',
        'stripe-hooks listen --forward-to http://localhost:3000/api/webhooks --env-file .env',
        'stripe-hooks listen --flow payment --json',
        'export STRIPE_WEBHOOK_SECRET=$(stripe-hooks listen --print-secret)',
      ),
    );

/** What the handler receives; `readyTimeout` is in milliseconds. */
export type ListenOptions = ReturnType<typeof withDotenv<ReturnType<ReturnType<typeof definition>['opts']>>>;

export const listenCommand = (start: Start) =>
  definition().action((options) => start('listen', () => import('../commands/listen.js').then((m) => m.run), withDotenv(options)));
