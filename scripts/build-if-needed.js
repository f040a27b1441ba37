// Rebuilds dist/ when any source file is newer than the last build, so `npm test`
// and `npm run demo` work straight after a clone or an edit without a separate step.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', 'cli.js');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const inputs = ['tsconfig.json', 'scripts/build.js'].map((file) => statSync(join(root, file)).mtimeMs);
if (Math.max(newest(join(root, 'src')), ...inputs) > built) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.js')], { stdio: 'inherit' });
}
