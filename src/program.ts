/**
 * Every command and option in one readable file. Nothing here imports a command
 * module: each is loaded by `lazy()` only when it runs, so `--help` stays fast.
 */
import { Command, Option } from 'commander';
import type { Context, GlobalOptions } from './context.js';

export type CommandRunner = (args: string[], options: Record<string, unknown>, ctx: Context) => Promise<void>;
export type Dispatch = (name: string, args: string[], options: Record<string, unknown> & GlobalOptions) => Promise<void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Twin of `--env-file`. Node (20 to 24, nodejs/node#54232) claims `--env-file` anywhere on its command line,
 * even after the script, and exits 9 when that file does not exist yet, before our code runs. `--dotenv` is the
 * spelling Node leaves alone; both land in `options.envFile`.
 */
const dotenvOption = () =>
  new Option('--dotenv <path>', 'same as --env-file; use it when the file does not exist yet (Node intercepts --env-file)');

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

// Interim defaults so scripts/gen-docs.js can build the tree without running anything (A1's version supersedes this).
export function buildProgram(dispatch: Dispatch = async () => {}, version = '0.0.0'): Command {
  const program = new Command('stripe-hooks')
    .description('Stripe webhook development and CI in one tool: setup, listen, trigger flows, test offline, register endpoints.')
    .version(version, '-V, --version')
    .option('--json', 'machine-readable output on stdout (errors too)')
    .option('--no-color', 'disable colours (NO_COLOR and FORCE_COLOR are honoured too)')
    .option('-v, --verbose', 'more detail on stderr')
    .addOption(new Option('--stripe-bin <path>', 'Stripe CLI binary to use').env('STRIPE_HOOKS_STRIPE_BIN'))
    .addOption(new Option('--api-key <key>', 'Stripe secret or restricted key').env('STRIPE_API_KEY'))
    .addOption(
      new Option('--api-base <url>', 'send Stripe API traffic to a local server (stripe-mock, a test backend)').env(
        'STRIPE_HOOKS_API_BASE',
      ),
    )
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText(
      'after',
      examples(
        'stripe-hooks demo',
        'stripe-hooks setup',
        'stripe-hooks listen --forward-to http://localhost:4242/webhook --env-file .env',
        'stripe-hooks trigger-flow payment',
        'stripe-hooks trigger-flow payment --offline --forward-to http://localhost:4242/webhook --audit',
        'stripe-hooks register-endpoint --url https://app.example.com/webhook --flow payment',
      ) + '\nExit codes: 0 ok, 1 a step or delivery failed, 2 usage error, 3 environment error, 130 interrupted.\n',
    );

  const lazy =
    (name: string) =>
    async (...received: unknown[]) => {
      const command = received.at(-1) as Command;
      const args = received.slice(0, -2).flat().filter((arg): arg is string => typeof arg === 'string');
      const options = command.optsWithGlobals();
      if (options.dotenv !== undefined) options.envFile ??= options.dotenv;
      await dispatch(name, args, options);
    };

  program
    .command('setup')
    .description('find the Stripe CLI (or install it, verified) and report what is usable')
    .option('-y, --yes', 'install without asking when the Stripe CLI is missing (implied by CI=true)')
    .option('--cli-version <version>', 'Stripe CLI version to install (default: 1.52.0, the version stripe-hooks is tested with)')
    .option('--from-release', 'install from the GitHub release tarball (sha256-checked) instead of npm')
    .option('--download-base <url>', 'base URL of release downloads, for mirrors (with --from-release)')
    .option('--force', 'install into the cache even when a Stripe CLI is already found')
    .addHelpText('after', examples('stripe-hooks setup', 'stripe-hooks setup --yes --json', 'stripe-hooks setup --from-release --cli-version 1.52.0'))
    .action(lazy('setup'));

  program
    .command('listen')
    .description('run `stripe listen`, capture the signing secret and show every delivery and the app\'s answer')
    .option('-f, --forward-to <url>', 'where to forward events', 'http://localhost:4242/webhook')
    .option('-e, --events <types>', 'comma-separated event types to forward')
    .option('--flow <name>', 'forward the events of this flow')
    .option('--all', 'forward every event type (the Stripe CLI\'s --all-snapshot)')
    .option('--env-file <path>', 'write the signing secret into this dotenv file (atomically)')
    .addOption(dotenvOption())
    .option('--env-key <name>', 'variable name for the secret in --env-file', 'STRIPE_WEBHOOK_SECRET')
    .option('--print-secret', 'print only the signing secret and exit')
    .option('--forward-connect-to <url>', 'where to forward Connect events')
    .option('-H, --header <header>', 'extra header for forwarded requests, "Key: Value" (repeatable)', collect)
    .option('--skip-verify', 'skip TLS certificate verification when forwarding to https')
    .option('--latest', 'receive events in the latest API version rather than the account default')
    .option('--ready-timeout <seconds>', 'give up when not ready within this many seconds', '30')
    .addHelpText(
      'after',
      examples(
        'stripe-hooks listen',
        'stripe-hooks listen --forward-to http://localhost:3000/api/webhooks --env-file .env',
        'stripe-hooks listen --flow payment --json',
        'export STRIPE_WEBHOOK_SECRET=$(stripe-hooks listen --print-secret)',
      ),
    )
    .action(lazy('listen'));

  program
    .command('trigger-flow')
    .description('fire a sequence of events in order and verify each was delivered and acknowledged')
    .argument('[flow]', 'built-in flow name (payment, subscription, invoice, …) or a flow from --file')
    .option('--file <path>', 'flow definition file (YAML or JSON)')
    .option('--list', 'list the available flows')
    .option('--dry-run', 'print the commands or deliveries that would run, run nothing')
    .option('-f, --forward-to <url>', 'the app\'s webhook URL', 'http://localhost:4242/webhook')
    .option('--no-listen', 'only fire triggers (you run your own listener); the run is unverified')
    .option('--step-timeout <seconds>', 'how long each step may take', '30')
    .option('--continue-on-error', 'run the remaining steps after a failure')
    .option('--stripe-account <id>', 'trigger on a connected account (acct_…)')
    .option('--offline', 'no Stripe CLI or account: sign realistic events and POST them straight to the app')
    .option('--secret <whsec>', 'signing secret the app verifies with (offline; or STRIPE_WEBHOOK_SECRET)')
    .option('--env-file <path>', 'read the secret from (or write a generated one to) this dotenv file (offline)')
    .addOption(dotenvOption())
    .option('--api-version <version>', 'api_version stamped on synthesized events (offline)')
    .option('--seed <n>', 'make ids, payloads and --shuffle reproducible (offline)')
    .option('--duplicate', 'deliver every event twice with the same id (offline)')
    .option('--shuffle', 'deliver the flow out of order (offline)')
    .option('--repeat <n>', 'run n independent flow instances (offline)')
    .option('--concurrency <n>', 'flow instances in flight at once with --repeat (offline)')
    .option('--audit', 'check the handler rejects forged, stale and tampered events (offline)')
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
    )
    .action(lazy('trigger-flow'));

  program
    .command('register-endpoint')
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
    )
    .action(lazy('register-endpoint'));

  const endpoints = program.command('endpoints').description('list or delete webhook endpoints');
  endpoints
    .command('list')
    .description('list webhook endpoints')
    .option('--live', 'allow a live-mode key')
    .addHelpText('after', examples('stripe-hooks endpoints list', 'stripe-hooks endpoints list --json'))
    .action(lazy('endpoints-list'));
  endpoints
    .command('delete')
    .description('delete a webhook endpoint by id or URL')
    .argument('[id]', 'endpoint id (we_…)')
    .option('--url <url>', 'delete the endpoint with this URL')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .option('--live', 'allow a live-mode key')
    .addHelpText('after', examples('stripe-hooks endpoints delete we_123', 'stripe-hooks endpoints delete --url https://app.example.com/webhook --yes'))
    .action(lazy('endpoints-delete'));

  program
    .command('demo')
    .description('offline payment flow and handler audit against a built-in example app (no account needed)')
    .addHelpText('after', examples('stripe-hooks demo', 'stripe-hooks demo --json'))
    .action(lazy('demo'));

  return program;
}
