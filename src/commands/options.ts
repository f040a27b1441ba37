/**
 * What every command definition (src/commands/<name>/definition.ts) is built from: the handler and start types,
 * the examples block, and the options two or more commands share, so each is defined once.
 */
import { Option } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { parseInteger, parseSeconds } from '../lib/option-values.js';

/** A command's handler: its arguments and typed options, then the Context. */
export type Handler<A extends unknown[]> = (...args: [...A, Context]) => Promise<void>;

/** The parsed options of a definition (commander infers them from its .option() calls). */
export type OptionsOf<C extends () => { opts(): object }> = ReturnType<ReturnType<C>['opts']>;

/**
 * Runs one command: `load` imports its handler only now (so `--help` loads no command module),
 * and the caller supplies the Context. `name` is the command's path, e.g. "endpoints delete".
 */
export type Start = <A extends unknown[]>(name: string, load: () => Promise<Handler<A>>, ...args: A) => Promise<void>;

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/**
 * Where a command's pages are: paths inside the package, which ships docs/ (package.json `files`), so the pointer
 * works from an install as well as from a clone (test/e2e/help-docs.test.ts checks every path help names is packed).
 */
export function docsPages(...pages: string[]): string {
  return `Docs: ${pages.map((page) => `docs/${page}`).join(', ')} in the stripe-hooks package`;
}

/** `--audit` (trigger-flow, replay): the checks of offline/audit.ts in a line, as --help must not load that module. */
export const auditOption = (sample: string, note = '') =>
  new Option(
    '--audit',
    `then audit the handler with seven deliveries of ${sample}: it must accept a signed one and a duplicate, refuse an unsigned, forged, stale or tampered one, and answer each in time${note}`,
  );

/** For repeatable options: every value, in order. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `--env-file`, the old name of `--dotenv`, kept working but out of help: Node (20 to 24, nodejs/node#54232) claims
 * `--env-file` anywhere on its command line, even after the script, and exits 9 before our code runs when that path
 * is missing or not a file (docs/README.md#--dotenv-and---env-file). `withDotenv` folds it into `dotenv`, the one
 * name handlers read.
 */
export const envFileAlias = () => new Option('--env-file <path>').hideHelp().conflicts('dotenv');

/**
 * An old name of a flag, kept working but out of help: giving it gives `of` (commander's implies), so handlers read
 * one name. Add it before the options it conflicts with, and a conflict names the flag that was typed.
 */
export const hiddenAlias = <const F extends `--${string}`>(flags: F, of: string) => new Option(flags).hideHelp().implies({ [of]: true });

/** The options a handler sees: `--env-file` folded into `dotenv` (commander refuses both at once). */
export function withDotenv<O extends { envFile?: string; dotenv?: string }>({ envFile, ...options }: O): Omit<O, 'envFile'> & { dotenv?: string } {
  return { ...options, dotenv: options.dotenv ?? envFile };
}

const longFlag = (flags: string) => /--[\w-]+/.exec(flags)?.[0] ?? flags;

/** An option of seconds (> 0, at most an hour), parsed to milliseconds. */
export function secondsOption<const F extends string>(flags: F, description: string) {
  const flag = longFlag(flags);
  return new Option(flags, description).argParser((value: string) => parseSeconds(value, flag));
}

/** An option holding a whole number from `min` to `max` (`example` goes in the hint of an error). */
export function integerOption<const F extends string>(flags: F, description: string, min: number, max: number, example?: number) {
  const flag = longFlag(flags);
  return new Option(flags, description).argParser((value: string) => parseInteger(value, flag, min, max, example));
}

/**
 * How live deliveries pass through the relay (src/relay/): routes, order, and the app's time limit.
 * Shared by listen and trigger-flow; `--forward-timeout` also bounds offline deliveries.
 */
export const relayOptions = {
  route: () =>
    // Parsed by the handler (relay/routing.ts): --help loads no more modules than it must.
    new Option('--route <glob=url>', "send event types matching GLOB to URL instead, e.g. 'invoice.*=localhost:4000/billing' (repeatable; first match wins)")
      .argParser(collect),
  serial: () => new Option('--serial', 'forward one event at a time, in the order Stripe created them (waits --reorder-window for stragglers)'),
  reorderWindow: () =>
    integerOption('--reorder-window <ms>', 'how long each event waits for an earlier-created one (implies --serial)', 0, 10_000, 250)
      .default(250)
      .implies({ serial: true }),
  forwardTimeout: () =>
    new Option('--forward-timeout <seconds>', "fail a delivery the app has not answered within this many seconds (at most Stripe's 30)")
      .argParser((value: string) => parseSeconds(value, '--forward-timeout', 30))
      .default(30_000, '30'),
};

/** --record and --live, shared by listen and the live trigger-flow (the recorder: src/record/writer.ts). */
export const recordOptions = {
  record: (what = 'every event the relay delivers') => new Option('--record <file>', `append ${what} to FILE, one NDJSON line each (created 0600; replay it later)`),
  live: () => new Option('--live', 'with --record: record livemode events too (live customer data; refused by default)'),
};

/** The local inspector (src/inspect/, docs/inspect.md): listen, trigger-flow and replay serve it with --inspect; trigger-flow and replay write it with --report-html. */
export const inspectOptions = {
  inspect: () => new Option('--inspect', 'serve a page on 127.0.0.1 showing every delivery, with replay, edit and export (prints its URL)'),
  limit: () => integerOption('--inspect-limit <n>', 'how many deliveries the inspector keeps (the oldest are dropped, and counted)', 1, 1_000_000, 1000).default(1000), // INSPECT_LIMIT's value: --help loads no server module
  open: () => new Option('--open', 'open the inspector in the browser (on a terminal only)'),
  report: () => new Option('--report-html <file>', 'write the inspector page, with every delivery, as one self-contained HTML file when the run ends (a CI artifact)'),
};
