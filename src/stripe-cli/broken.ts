/**
 * What is wrong with a broken Stripe CLI, in words: for the warnings of `setup`, `listen` and `trigger-flow`, and
 * the error (with its fix) when the binary the user named does not work. Pure: ui/ shows these without loading
 * the file-system walk of locate.ts.
 */
import { EnvironmentError } from '../errors.js';
import type { BrokenCli } from './locate.js';
import type { BinaryProblem } from './version.js';

const FIX: Record<BinaryProblem, (broken: BrokenCli) => string> = {
  missing: (b) => `check the path given to ${b.source}, or drop it to let stripe-hooks find or install the Stripe CLI`,
  'not-executable': (b) => `make it executable (chmod +x ${b.path}), or point ${b.source} at a working Stripe CLI`,
  'wrong-platform': (b) => `point ${b.source} at the build for ${process.platform}-${process.arch}, or drop it and run \`stripe-hooks setup\``,
  fails: (b) => `point ${b.source} at a working Stripe CLI, or drop it and run \`stripe-hooks setup\``,
};

export function describeBroken(broken: BrokenCli): string {
  return `the Stripe CLI at ${broken.path} (from ${broken.source}) ${broken.detail}`;
}

/** The error for an explicitly named binary that does not work. */
export function brokenCliError(broken: BrokenCli): EnvironmentError {
  return new EnvironmentError(describeBroken(broken), { hint: FIX[broken.problem](broken) });
}
