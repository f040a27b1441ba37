/**
 * How a hint tells the user to log the Stripe CLI in. `setup` installs it into stripe-hooks' own cache, which is on
 * no PATH, so "run `stripe login`" is right only when typing `stripe` runs the very binary stripe-hooks used: the
 * first `stripe` on PATH, leaving out the node_modules/.bin directories that `npm run` and `npx` add for one run.
 * Otherwise the hint names that binary by its path, quoted for the user's shell.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { binaryName, currentPlatform, type Platform } from '../installer/platform.js';
import { commandWord } from '../lib/shell.js';

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** PATH as the platform spells it: Windows names are case-insensitive (`Path`), and its separator is `;`. */
function searchPath(env: NodeJS.ProcessEnv, platform: Platform): string[] {
  const key = platform.os === 'win32' ? Object.keys(env).find((name) => name.toUpperCase() === 'PATH') : 'PATH';
  return (key ? env[key] ?? '' : '').split(platform.os === 'win32' ? ';' : ':').filter(Boolean);
}

const isRunScoped = (dir: string) => basename(dir) === '.bin' && basename(dirname(dir)) === 'node_modules';

/** The command that logs in the Stripe CLI at `bin`: `stripe login`, or `<its path> login`. */
export function loginCommand(bin: string, where: { env: NodeJS.ProcessEnv; cwd: string }, platform: Platform = currentPlatform()): string {
  const name = binaryName(platform);
  for (const dir of searchPath(where.env, platform)) {
    const full = resolve(where.cwd, dir);
    if (isRunScoped(full) || !isFile(resolve(full, name))) continue;
    // The first one on PATH is what `stripe` runs: the same file (through a symlink, say) or not.
    if (real(resolve(full, name)) === real(resolve(where.cwd, bin))) return 'stripe login';
    break;
  }
  return `${commandWord(bin, platform.os)} login`;
}
