/** This package's own version, from its package.json (found by the package's own name, wherever the bundle put this code). */
import { createRequire } from 'node:module';

export function packageVersion(): string {
  return (createRequire(import.meta.url)('stripe-hooks/package.json') as { version: string }).version;
}
