/**
 * The warning for a secret given as a flag: it sits in our argv, which `ps` (and /proc) show to every user
 * of the machine for the whole run. Given once per run, for each such flag, by whoever parsed it.
 */
import type { Output } from './output.js';

const INSTEAD = {
  '--api-key': 'set STRIPE_API_KEY instead',
  '--secret': 'set STRIPE_WEBHOOK_SECRET or use --dotenv instead',
  '--thin-secret': 'set STRIPE_WEBHOOK_SECRET_THIN or use --dotenv instead',
} as const;

export function warnSecretFlag(out: Output, flag: keyof typeof INSTEAD): void {
  const what = flag === '--api-key' ? 'key' : 'secret';
  out.warn(`${flag} puts the ${what} where ps can see it for the whole run; ${INSTEAD[flag]}`);
}
