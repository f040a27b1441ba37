/** What listen and trigger-flow say about the Stripe CLI they use: the broken ones skipped, and (--verbose) which one. */
import { describeBroken } from '../stripe-cli/broken.js';
import type { Proof } from '../stripe-cli/while-proving.js';
import type { Output } from './output.js';

export function reportStripeCli(out: Output, cli: Proof): void {
  // Proven only after it started (see while-proving.ts): it works, whatever `version` said.
  if ('problem' in cli) return out.warn(`${describeBroken(cli)}; it started all the same, so it is used`);
  for (const warning of cli.warnings) out.warn(warning);
  out.debug(`using the Stripe CLI ${cli.version} at ${cli.path} (from ${cli.source})`);
}
