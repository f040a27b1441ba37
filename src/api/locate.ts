/** The library's locateStripeCli: the binary `listen` and `trigger-flow` would run, proven to work; never installs. */
import { requireStripeCli } from '../stripe-cli/locate.js';
import { apiEnvironment, interruptible } from './common.js';
import type { LocateStripeCliOptions, StripeCli } from './options.js';
import { checkOptions } from './check.js';
import { RULES } from './rules.js';

export function locateStripeCli(options: LocateStripeCliOptions = {}): Promise<StripeCli> {
  checkOptions('locateStripeCli', options, RULES.locateStripeCli);
  return interruptible(options.signal, async () => {
    const { path, version, source } = await requireStripeCli(apiEnvironment(options));
    return { path, version, source };
  });
}
