/**
 * Starting the Stripe CLI while it is still being proven. Proving a binary not
 * seen before runs `stripe version`, which also asks GitHub for a newer release:
 * a few hundred ms that `listen` and `trigger-flow` need not wait for, since a
 * binary that gets `stripe listen` to Ready has proven more than `version` could.
 * The proof still has the last word when the start fails: it names a broken
 * binary better than the CLI's own failure does.
 */
import type { Environment } from '../lib/environment.js';
import { currentPlatform } from '../installer/platform.js';
import { binaryCheckOptions, firstCandidate, locateInput, requireStripeCli, type BrokenCli, type Candidate, type FoundCli, type Prove, type RequiredCli } from './locate.js';
import { checkBinaryCached } from './probe-cache.js';

/** What proving a binary said: it works (with the warnings of the search), or it is broken. */
export type Proof = RequiredCli | BrokenCli;

export interface UnprovenCli extends Candidate {
  /** What proving this candidate says, once it has run; rejects only on abort. */
  verdict: Promise<FoundCli | BrokenCli>;
  /** requireStripeCli's answer, the verdict reused: this binary when it works, else the next working one, or the error. */
  require(): Promise<RequiredCli>;
}

/** requireStripeCli without waiting: the candidate it tries first, its proof (cached or run) under way. */
export async function locateUnproven(environment: Environment, prove: Prove = checkBinaryCached): Promise<UnprovenCli> {
  const input = locateInput(environment);
  const platform = currentPlatform();
  const first = await firstCandidate(input, platform);
  if (!first) {
    const found = await requireStripeCli(environment, prove); // "not found", unless one appeared meanwhile
    return { path: found.path, source: found.source, verdict: Promise.resolve(found), require: () => Promise.resolve(found) };
  }
  // Off the critical path (see startWhileProving): it gets the CPU the starting CLI leaves.
  const check = prove(first.path, { ...binaryCheckOptions(input, platform), priority: 19 });
  const verdict = check.then((result) => (result.ok ? { ...first, version: result.version } : { ...first, problem: result.problem, detail: result.detail }));
  verdict.catch(() => {}); // looked at only when needed
  // A failure is never cached: the search must not run this binary a second time.
  const reuse: Prove = (path, options) => (path === first.path ? check : prove(path, options));
  let required: Promise<RequiredCli> | undefined;
  return { ...first, verdict, require: () => (required ??= requireStripeCli(environment, reuse)) };
}

/**
 * Runs `start` with `cli` at once, and resolves as soon as it has started, with the binary it started
 * (`path`) and what the proof found (`proven`, for the command to show when it arrives). When the start fails, or the proof fails
 * first (the start is then aborted), the proof's error is thrown; when the search settled on another
 * binary, `start` runs again with that one.
 */
export async function startWhileProving<T extends { stop(): Promise<void> }>(
  cli: UnprovenCli,
  start: (path: string, signal: AbortSignal) => Promise<T>,
  signal: AbortSignal,
): Promise<{ started: T; path: string; proven: Promise<Proof> }> {
  const abandon = new AbortController();
  const attempt = start(cli.path, AbortSignal.any([signal, abandon.signal])).then(
    (started) => ({ started }),
    (error: unknown) => ({ error }),
  );
  const proofFailed = cli.verdict.then((verdict) => 'problem' in verdict, () => true);
  const first = await Promise.race([attempt, proofFailed.then((failed) => (failed ? undefined : attempt))]);
  if (first && 'started' in first) {
    const proven = cli.verdict.then((verdict): Proof => ('problem' in verdict ? verdict : { ...verdict, warnings: [] }));
    return { started: first.started, path: cli.path, proven };
  }
  if (!first) {
    abandon.abort(new Error(`the Stripe CLI at ${cli.path} failed its check`));
    const outcome = await attempt;
    if ('started' in outcome) await outcome.started.stop();
  }
  const found = await cli.require(); // throws what the proof found wrong
  if (first && found.path === cli.path) throw first.error; // it works: the start failed for a reason of its own
  return { started: await start(found.path, signal), path: found.path, proven: Promise.resolve(found) };
}
