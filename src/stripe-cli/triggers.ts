/**
 * Which fixtures `stripe trigger` has: read from the installed binary's own
 * `stripe trigger --help` (its "Supported events:" list), never hand-typed, so a
 * newer CLI's fixtures are usable at once. Cached in memory per binary.
 */
import { stat } from 'node:fs/promises';
import { cliFailure, execStripe, type StripeTarget } from './spawn.js';

/** The fixture names under "Supported events:" in `stripe trigger --help` output. */
export function parseTriggerHelp(help: string): string[] {
  const lines = help.split(/\r?\n/);
  const start = lines.findIndex((line) => /^\s*Supported events:\s*$/i.test(line));
  if (start < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const name = /^\s+([a-z0-9_]+(?:\.[a-z0-9_]+)+)\s*$/.exec(line)?.[1];
    if (!name) break; // the list ends at the first line that is not an indented name ("", "Usage:")
    names.push(name);
  }
  return names;
}

const cache = new Map<string, Promise<ReadonlySet<string>>>();

/**
 * The set of triggerable fixtures of this binary. `version` (when the locator
 * knows it) keys the cache; otherwise the file's size and mtime stand in for it.
 */
export async function triggerableEvents(target: StripeTarget, options: { version?: string; signal?: AbortSignal } = {}): Promise<ReadonlySet<string>> {
  const identity = options.version ?? (await stat(target.bin).then((s) => `${s.size}:${s.mtimeMs}`, () => 'unknown'));
  const key = `${target.bin}\0${identity}`;
  let known = cache.get(key);
  if (!known) {
    known = readTriggerable(target, options.signal);
    cache.set(key, known);
    known.catch(() => cache.delete(key)); // a failure (or abort) is not remembered
  }
  return known;
}

async function readTriggerable(target: StripeTarget, signal?: AbortSignal): Promise<ReadonlySet<string>> {
  const result = await execStripe(target, ['trigger', '--help'], { timeoutMs: 15_000, signal });
  const names = parseTriggerHelp(result.stdout);
  if (result.exitCode !== 0 || names.length === 0) {
    const lastWords = result.stderr.split('\n').map((line) => line.trim()).filter(Boolean).at(-1);
    throw cliFailure('trigger --help', lastWords ?? (names.length === 0 ? 'listed no supported events' : undefined), `exited with code ${result.exitCode}`);
  }
  return new Set(names);
}

/** The CLI's reason for a failed `stripe trigger`, from its stderr ("Trigger failed: …", an unsupported event, …). */
export function triggerFailureMessage(stderr: string): string | undefined {
  const lines = stderr.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !/^Checking for new versions/.test(line));
  const failed = lines.findLast((line) => /^Trigger failed:/i.test(line))?.replace(/^Trigger failed:\s*/i, '');
  // "The event `x` is not supported by Stripe CLI. To trigger unsupported events, …": the first sentence says it.
  const unsupported = lines.map((line) => /^(The event .* is not supported by Stripe CLI)\./.exec(line)?.[1]).find(Boolean);
  return failed ?? unsupported ?? lines.find((line) => /API keys/i.test(line)) ?? lines.at(-1);
}
