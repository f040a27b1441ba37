/**
 * The root command: global options, help, and every command's definition
 * (src/commands/<name>/definition.ts) wired in. Each definition loads its handler
 * only when it runs, so `--help` loads no handler.
 */
import { Command, Help, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { createContext } from './context.js';
import { UsageError } from './errors.js';
import { packageVersion } from './lib/package-info.js';
import { suggest } from './lib/suggest.js';
import { demoCommand } from './commands/demo/definition.js';
import { endpointsCommand } from './commands/endpoints/definition.js';
import { listenCommand } from './commands/listen/definition.js';
import { docsPages, examples, type Handler, type Start } from './commands/options.js';
import { registerEndpointCommand } from './commands/register-endpoint/definition.js';
import { replayCommand } from './commands/replay/definition.js';
import { inspectCommand } from './commands/inspect/definition.js';
import { setupCommand } from './commands/setup/definition.js';
import { triggerCommand } from './commands/trigger/definition.js';
import { triggerFlowCommand } from './commands/trigger-flow/definition.js';

/** Commander's own option descriptions, for the override below to add to. */
const commanderHelp = new Help();

const root = (version: string) =>
  new Command('stripe-hooks')
    .description('Stripe webhook development and CI in one tool: setup, listen, trigger flows, test offline, replay recordings, register endpoints.')
    .version(version, '-V, --version')
    .option('--json', 'machine-readable output on stdout (errors too)')
    .option('--no-color', 'disable colours (NO_COLOR and FORCE_COLOR are honoured too)')
    .option('-v, --verbose', 'more detail on stderr')
    .addOption(new Option('--stripe-bin <path>', 'Stripe CLI binary to use').env('STRIPE_HOOKS_STRIPE_BIN'))
    .addOption(new Option('--api-key <key>', 'Stripe secret or restricted key (prefer STRIPE_API_KEY: ps shows flags)').env('STRIPE_API_KEY'))
    // Parsed by createContext, not an argParser: commander parses env values before --help, and a bad
    // STRIPE_HOOKS_API_BASE in the shell must not break `stripe-hooks --help`.
    .addOption(
      new Option('--api-base <url>', 'send Stripe API traffic to a local server (stripe-mock, a test backend)').env(
        'STRIPE_HOOKS_API_BASE',
      ),
    )
    .showSuggestionAfterError(true)
    .configureHelp({
      showGlobalOptions: true,
      sortSubcommands: false,
      // Commander's help does not say which options are required (scripts/gen-docs.js marks them the same way).
      optionDescription: (option) => `${commanderHelp.optionDescription(option)}${option.mandatory ? ' (required)' : ''}`,
    })
    .addHelpText(
      'after',
      examples(
        'stripe-hooks demo',
        'stripe-hooks setup',
        'stripe-hooks listen --forward-to http://localhost:4242/webhook --dotenv .env',
        'stripe-hooks trigger payment_intent.succeeded --offline --dotenv .env',
        'stripe-hooks trigger-flow payment',
        'stripe-hooks trigger-flow payment --offline --forward-to http://localhost:4242/webhook --audit',
        'stripe-hooks replay events.ndjson --forward-to http://localhost:4242/webhook',
        'stripe-hooks register-endpoint --url https://app.example.com/webhook --flow payment',
      ) +
        '\nExit codes: 0 ok, 1 a step, delivery or check failed, 2 usage error, 3 environment error, 130 / 143 interrupted (SIGINT / SIGTERM).\n\n' +
        docsPages('README.md'),
    );

/**
 * The global options as parsed: what `createContext` builds the Context from. `apiKeyFromFlag`: the key came
 * from `--api-key` rather than STRIPE_API_KEY (commander's value source), which is worth a warning.
 */
export type GlobalOptions = ReturnType<ReturnType<typeof root>['opts']> & { apiKeyFromFlag?: boolean };

/** Runs a command's handler with a Context built from the global options (cli.ts adds signals and exit codes). */
export type Launch = <A extends unknown[]>(globals: GlobalOptions, name: string, load: () => Promise<Handler<A>>, args: A) => Promise<void>;

/** Without cli.ts: a Context that no signal aborts. */
const launchPlain: Launch = async (globals, _name, load, args) => {
  await (await load())(...args, createContext(globals, new AbortController().signal));
};

/**
 * The whole command tree, running nothing until parsed. Callable with no arguments
 * (the doc generator walks it from dist/program.js).
 */
export function buildProgram({ launch = launchPlain, version = packageVersion() }: { launch?: Launch; version?: string } = {}) {
  const program = root(version);
  const start: Start = (name, load, ...args) =>
    launch({ ...program.opts(), apiKeyFromFlag: program.getOptionValueSource('apiKey') === 'cli' }, name, load, args);
  for (const command of [setupCommand, listenCommand, triggerCommand, triggerFlowCommand, replayCommand, inspectCommand, registerEndpointCommand, endpointsCommand, demoCommand]) {
    program.addCommand(command(start));
  }
  // `addCommand` (unlike `.command()`) does not pass on the root's settings: help with global options, suggestions.
  const inherit = (parent: CommandUnknownOpts): void =>
    parent.commands.forEach((child) => {
      child.copyInheritedSettings(parent);
      inherit(child);
    });
  inherit(program);
  for (const parent of [program, ...program.commands.filter((command) => command.commands.length > 0)]) strictHelpCommand(parent);
  return program;
}

/**
 * `help [command]` that fails on an unknown name like the unknown command itself (one error line, a hint, exit 2,
 * JSON under --json). Commander's own prints the whole help to stderr instead.
 */
function strictHelpCommand(parent: CommandUnknownOpts): void {
  parent.helpCommand(false);
  const help = new Command('help')
    .description('display help for command')
    .argument('[command]', 'the command to explain')
    .action((name) => {
      const target = name === undefined ? parent : parent.commands.find((command) => command.name() === name || command.aliases().includes(name));
      if (target) return target.help();
      const close = suggest(name!, parent.commands.map((command) => command.name()));
      const usage = `\`${[parent.parent ? 'stripe-hooks' : '', parent.name()].filter(Boolean).join(' ')} --help\``;
      throw new UsageError(`unknown command '${name}'`, { hint: close ? `Did you mean ${close}?` : `run ${usage} for the commands` });
    });
  parent.addCommand(help.copyInheritedSettings(parent));
}
