/** `register-endpoint`: its options and help. The handler is src/commands/register-endpoint.ts, loaded only when it runs. */
import { Command } from '@commander-js/extra-typings';
import { collect, dotenvOption, examples, withDotenv, type Start } from './common.js';

const definition = () =>
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
    .option('--env-file <path>', 'write the new signing secret into this dotenv file')
    .addOption(dotenvOption())
    .option('--env-key <name>', 'variable name for the secret in --env-file', 'STRIPE_WEBHOOK_SECRET')
    .option('--dry-run', 'show what would change, write nothing')
    .option('--live', 'allow a live-mode key')
    .addHelpText(
      'after',
      examples(
        'stripe-hooks register-endpoint --url https://app.example.com/webhook --flow payment',
        'stripe-hooks register-endpoint --url https://app.example.com/webhook --events invoice.paid,charge.refunded --env-file .env',
        'stripe-hooks register-endpoint --url https://app.example.com/webhook --all-events --live --json',
      ),
    );

export type RegisterEndpointOptions = ReturnType<typeof withDotenv<ReturnType<ReturnType<typeof definition>['opts']>>>;

export const registerEndpointCommand = (start: Start) =>
  definition().action((options) =>
    start('register-endpoint', () => import('../commands/register-endpoint.js').then((m) => m.run), withDotenv(options)),
  );
