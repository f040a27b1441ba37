/** What listen and trigger-flow say about the Stripe CLI they use: the broken ones skipped, and (--verbose) which one. */
import type { RequiredCli } from '../stripe-cli/locate.js';
import type { Output } from './output.js';

export function reportStripeCli(out: Output, cli: RequiredCli): void {
  for (const warning of cli.warnings) out.warn(warning);
  out.debug(`using the Stripe CLI ${cli.version} at ${cli.path} (from ${cli.source})`);
}
