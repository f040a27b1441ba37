/**
 * Text that tries to start a workflow command in a GitHub Actions log or to break the job summary's Markdown, as a
 * fork's recording or a hostile app could plant it in a report: for the action's tests and its reliability figures.
 */
import { recordingLine } from '../../src/record/format.js';
import type { WorkflowCommand } from './action-runner.js';

/** Each would run as a workflow command (or break a table) if printed as is. */
export const INJECTIONS = [
  '\n::error title=pwned::a report made this annotation',
  '\r::add-mask::passed',
  '\r\n  ::warning::indented, after a CRLF',
  '\n::stop-commands::pwned',
  '\u2028::notice::after a line separator',
  '\u0085::error::after a next-line',
  ' ##[error]the legacy form, anywhere in a line',
  '\n::set-output name=ok::true',
  '\n::add-mask::whsec_',
  '<img src=x onerror=alert(1)> | forged | cells |\n| a | b |',
];

/** A `--json` trigger-flow report with an injection in every string a summary could print. */
export function hostileReport(injection: string): Record<string, unknown> {
  const hostile = (text: string) => `${text}${injection}`;
  return {
    flow: hostile('payment'),
    ok: false,
    mode: hostile('offline'),
    seed: hostile('7'),
    steps: [
      { event: hostile('charge.succeeded'), eventId: hostile('evt_1'), status: hostile('500'), ms: hostile('3'), ok: false, error: hostile('the app answered 500') },
      { event: hostile('charge.refunded'), eventId: null, status: null, ms: 0, ok: false, failure: 'skipped' },
    ],
    burst: { count: hostile('1'), failures: hostile('1') },
    audit: { ok: false, checks: [{ name: hostile('unsigned'), ok: false, fix: hostile('verify the signature') }] },
  };
}

/** An error document (usage, environment) with an injection in each of its strings. */
export function hostileError(injection: string): Record<string, unknown> {
  return { error: { code: `ERR_STRIPE_HOOKS_USAGE${injection}`, exitCode: 2, message: `bad input${injection}`, hint: `fix it${injection}` } };
}

/** A recording (`listen --record`'s NDJSON) of two events whose types and ids carry the injection. */
export function hostileRecording(injection: string): string {
  return ['charge.succeeded', 'charge.refunded']
    .map((type, i) => {
      const body = JSON.stringify({ id: `evt_${i}${injection}`, object: 'event', type: `${type}${injection}`, created: 1_764_000_000 + i, livemode: false, data: { object: { id: `ch_${i}`, object: 'charge' } } }, null, 2);
      return recordingLine({ receivedAt: Date.UTC(2026, 11, 1, 10, 0, i), body, headers: { 'content-type': 'application/json; charset=utf-8' }, answer: { status: 200, ms: 4 } });
    })
    .join('');
}

/** The only workflow commands the action itself may issue. */
const OWN = new Set(['add-mask', 'notice', 'error', 'stop-commands', 'resume-commands']);

/**
 * What is wrong with a run's workflow commands, or nothing: each one is the action's own, the values masked are
 * exactly `secrets`, and commands are stopped once and resumed at the end with the same token.
 */
export function foreignCommands(commands: WorkflowCommand[], secrets: string[]): string[] {
  // The action's own annotations all say title=stripe-hooks.
  const own = (command: WorkflowCommand) => OWN.has(command.name) && (!['error', 'notice'].includes(command.name) || command.properties === 'title=stripe-hooks');
  const problems = commands.filter((command) => !own(command)).map((command) => `a \`${command.name}\` command ran: ${JSON.stringify(command)}`);
  const masked = commands.filter((command) => command.name === 'add-mask').map((command) => command.value);
  if (masked.some((value) => !secrets.includes(value))) problems.push(`masked ${JSON.stringify(masked)}, not only the secrets`);
  const stops = commands.filter((command) => command.name === 'stop-commands');
  if (stops.length > 1) problems.push(`${stops.length} stop-commands`);
  if (stops.length === 1 && commands.at(-1)?.name !== 'resume-commands') problems.push('commands not resumed at the end');
  return problems;
}
