/** `register-endpoint`'s options, arguments and help; its handler (./handler.ts) gets the option type inferred here. */
import { Command } from '@commander-js/extra-typings';
import { collect, docsPages, envFileAlias, examples, withDotenv, type OptionsOf, type Start } from '../options.js';

const registerEndpointDefinition = () =>
  new Command('register-endpoint')
    .description('create or update a webhook endpoint idempotently (for deploy scripts)')
    .usage('--url <url> [options]')
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
    )
    .addHelpText('after', docsPages('register-endpoint.md'));

export type RegisterEndpointCommandOptions = ReturnType<typeof withDotenv<OptionsOf<typeof registerEndpointDefinition>>>;

// The handler loads when the command runs, not before: it brings the Stripe SDK, which `--help` never needs.
export const registerEndpointCommand = (start: Start) =>
  registerEndpointDefinition().action((options) =>
    start('register-endpoint', () => import('./handler.js').then((m) => m.run), withDotenv(options)),
  );
