/**
 * Which fixtures `stripe trigger` has: read from the installed binary's own
 * `stripe trigger --help` (its "Supported events:" list), never hand-typed, so a
 * newer CLI's fixtures are usable at once. Remembered per binary file, in memory
 * and on disk (probe-cache.ts).
 */
import type { Prove } from './locate.js';
import { binaryIdentity, checkBinaryCached, identityKey, readProbes, saveProbes, type BinaryIdentity } from './probe-cache.js';
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

const known = new Map<string, Promise<ReadonlySet<string>>>();

function remember(key: string, fixtures: Promise<ReadonlySet<string>>): Promise<ReadonlySet<string>> {
  known.set(key, fixtures);
  fixtures.catch(() => known.delete(key)); // a failure (or abort) is not remembered
  return fixtures;
}

/** From the disk cache when this very file's list is there, else from `stripe trigger --help` (then saved). */
async function loadFixtures(target: StripeTarget, identity: BinaryIdentity | undefined, signal?: AbortSignal): Promise<ReadonlySet<string>> {
  const cached = identity && (await readProbes(target.env, identity)).triggerable;
  if (cached) return new Set(cached);
  const names = await readTriggerable(target, signal);
  if (identity) await saveProbes(target.env, identity, { triggerable: names });
  return new Set(names);
}

/** The set of triggerable fixtures of this binary. */
export async function triggerableEvents(target: StripeTarget, options: { signal?: AbortSignal } = {}): Promise<ReadonlySet<string>> {
  const identity = await binaryIdentity(target.bin);
  const key = identity ? identityKey(identity) : target.bin;
  return known.get(key) ?? remember(key, loadFixtures(target, identity, options.signal));
}

/**
 * For the locator: proves a candidate (see checkBinaryCached) while reading its
 * fixtures at the same time, so a binary not seen before costs one CLI start-up
 * of wall time rather than two. The list is kept for `triggerableEvents` at once
 * (a caller that did not wait for the check shares the same read), and it reports
 * the read's failure, if any; a candidate that fails its check has the read
 * stopped and forgotten.
 */
export const proveWithFixtures: Prove = async (path, options) => {
  const identity = await binaryIdentity(path);
  const key = identity ? identityKey(identity) : path;
  const stop = new AbortController();
  if (!known.has(key)) {
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    remember(key, loadFixtures({ bin: path, env: options.env, cwd: options.cwd }, identity, signal)).catch(() => {}); // not awaited here
  }
  const check = await checkBinaryCached(path, options);
  if (!check.ok) stop.abort();
  return check;
};

async function readTriggerable(target: StripeTarget, signal?: AbortSignal): Promise<string[]> {
  const result = await execStripe(target, ['trigger', '--help'], { timeoutMs: 15_000, signal });
  const names = parseTriggerHelp(result.stdout);
  if (result.exitCode !== 0 || names.length === 0) {
    const lastWords = result.stderr.split('\n').map((line) => line.trim()).filter(Boolean).at(-1);
    throw cliFailure('trigger --help', lastWords ?? (names.length === 0 ? 'listed no supported events' : undefined), `exited with code ${result.exitCode}`, target);
  }
  return names;
}

/** The CLI's reason for a failed `stripe trigger`, from its stderr ("Trigger failed: …", an unsupported event, …). */
export function triggerFailureMessage(stderr: string): string | undefined {
  const lines = stderr.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !/^Checking for new versions/.test(line));
  const failed = lines.findLast((line) => /^Trigger failed:/i.test(line))?.replace(/^Trigger failed:\s*/i, '');
  // "The event `x` is not supported by Stripe CLI. To trigger unsupported events, …": the first sentence says it.
  const unsupported = lines.map((line) => /^(The event .* is not supported by Stripe CLI)\./.exec(line)?.[1]).find(Boolean);
  return failed ?? unsupported ?? lines.find((line) => /API keys/i.test(line)) ?? lines.at(-1);
}
