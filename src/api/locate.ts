/** The library's locateStripeCli: the binary `listen` and `trigger-flow` would run, proven to work; never installs. */
import { requireStripeCli } from '../stripe-cli/locate.js';
import { apiEnvironment, interruptible } from './common.js';
import type { LocateStripeCliOptions, StripeCli } from './options.js';

export function locateStripeCli(options: LocateStripeCliOptions = {}): Promise<StripeCli> {
  return interruptible(options.signal, async () => {
    const { path, version, source } = await requireStripeCli(apiEnvironment(options));
    return { path, version, source };
  });
}
