/**
 * This package's own version, from the nearest package.json above this code that is stripe-hooks': wherever the
 * build put it (dist/cli.js, a chunk in dist/chunks/, the Action's bundle in action/dist/, the sources).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string {
  return ownPackage().version;
}

/** The folder of this package's package.json (files shipped beside the code, such as src/inspect/page/, are under it). */
export function packageRoot(): string {
  return ownPackage().dir;
}

function ownPackage(): { dir: string; version: string } {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const found = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (found.name === 'stripe-hooks' && typeof found.version === 'string') return { dir, version: found.version };
    } catch {
      // none here, or another project's that does not parse: look further up
    }
    if (dirname(dir) === dir) throw new Error('stripe-hooks: its own package.json is not above its code');
  }
}
