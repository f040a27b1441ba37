/**
 * Entry point: parses argv, runs one command, and is the only place that turns
 * an outcome into an exit code. Command handlers are imported on demand.
 */
import { CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ExitCode, StripeHooksError, InterruptedError, UsageError } from './errors.js';
import { buildProgram } from './program.js';
import { createContext, type Context } from './context.js';
import { Output, colorEnabled } from './ui/output.js';

/** Runs the CLI; sets process.exitCode instead of exiting so output is flushed. */
export async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  let context: Context | undefined;
  // First signal: ask the running command to stop its children and finish. Second: give up at once.
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
    controller.abort(new InterruptedError(signal));
    // A command with nothing to clean up may not be watching the signal: don't hang on it.
    setTimeout(() => process.exit(signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated), 10_000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let commanderMessage = '';
  let failing: CommandUnknownOpts | undefined; // the command whose parse failed: its --help is the hint
  const program = buildProgram({
    launch: async (globals, _name, load, args) => {
      context = createContext(globals, controller.signal);
      await (await load())(...args, context);
      if (controller.signal.aborted) throw controller.signal.reason;
    },
  });
  // Commander's own parse errors are re-reported below through our error model.
  const configure = (command: CommandUnknownOpts): void => {
    command.exitOverride().configureOutput({
      outputError: (text) => {
        commanderMessage += text;
        failing = command;
      },
    });
    command.commands.forEach(configure);
  };
  configure(program);
  // `stripe-hooks … | head` closes stdout early: that is the reader's choice, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });

  try {
    await program.parseAsync(argv);
    process.exitCode = ExitCode.ok;
  } catch (error) {
    process.exitCode = report(error, { commanderMessage, failing }, argv, context);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function report(error: unknown, parse: ParseFailure, argv: string[], context: Context | undefined): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    // `help <command>` asked for help (exit 0); help shown because something was missing (`endpoints` alone) is a usage error.
    if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (error.code === 'commander.executeSubCommandAsync') return ExitCode.usage;
    error = usageError(error, parse);
  }
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const out =
    context?.out ??
    new Output({
      json: argv.includes('--json'),
      verbose,
      color: colorEnabled(!argv.includes('--no-color'), process.env, process.stderr),
    });
  if (error instanceof StripeHooksError) {
    // A reported interruption is a command's normal stop (listen's Ctrl+C): its summary was the last word, in both modes.
    if (!(error.reported && (out.json || error instanceof InterruptedError))) out.error(error);
    if (verbose && error.cause instanceof Error && error.cause.stack) out.debug(error.cause.stack);
    return error.exitCode;
  }
  // Anything else is our bug, not the user's mistake: say so briefly.
  const message = error instanceof Error ? error.message : String(error);
  // Not one of StripeHooksErrorCode: no library caller ever sees this code, only --json's reader.
  out.error({
    code: 'ERR_STRIPE_HOOKS_INTERNAL',
    exitCode: ExitCode.failed,
    message: `unexpected error: ${message}`,
    hint: verbose ? undefined : 'this is a bug in stripe-hooks; re-run with --verbose for details and report it',
  });
  if (verbose && error instanceof Error && error.stack) out.debug(error.stack);
  return ExitCode.failed;
}

/** What commander said when parsing failed, and which command said it. */
interface ParseFailure {
  commanderMessage: string;
  failing: CommandUnknownOpts | undefined;
}

/** "stripe-hooks endpoints delete": the command's name after its parents'. */
function commandPath(command: CommandUnknownOpts | undefined): string {
  const names: string[] = [];
  for (let at = command; at; at = at.parent ?? undefined) names.unshift(at.name());
  return names.length > 0 ? names.join(' ') : 'stripe-hooks';
}

/**
 * Commander's parse errors in our words. Its conflicts() message names whole flag specs
 * ("option '-e, --events <types>' cannot be used with option '--all'"): we say "--events and --all cannot be combined".
 */
function usageError(error: CommanderError, { commanderMessage, failing }: ParseFailure): UsageError {
  const [first = error.message, ...rest] = (commanderMessage || error.message).trim().split('\n');
  if (error.code === 'commander.conflictingOption') {
    const [a, b] = [...first.matchAll(/'([^']*)'/g)].map(([, quoted = '']) => /--[\w-]+/.exec(quoted)?.[0] ?? quoted);
    return new UsageError(`${a} and ${b} cannot be combined`, { hint: 'use one of them' });
  }
  const hint = rest.join(' ').replace(/^\((.*)\)$/, '$1') || `run \`${commandPath(failing)} --help\` for usage`;
  return new UsageError(first.replace(/^error:\s*/, ''), { hint });
}
