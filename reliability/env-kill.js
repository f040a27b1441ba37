// kill -9 during .env writes: a child writes the secret into a dotenv file through the real code in a
// loop (env-writer.js) and is SIGKILLed at a random moment. The file must still be there and parse,
// every other line byte for byte as before, the key holding one of the values written: never torn or lost.
// Three starting points in turn: a file with comments, export, quotes and a multiline value; a symlinked
// .env (written through, the link kept); no file yet.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parse } from 'dotenv';
import { pool, randomInt, remove, sleep } from './lib.js';

const KEY = 'STRIPE_WEBHOOK_SECRET';
const WRITER = fileURLToPath(new URL('env-writer.js', import.meta.url));
const ORIGINAL = [
  '# the app\'s settings',
  'export DATABASE_URL=postgres://localhost/app',
  `${KEY}=whsec_original`,
  'GREETING="hello # not a comment"',
  'PRIVATE_KEY="-----BEGIN KEY-----',
  'abc',
  '-----END KEY-----"',
  '',
  'PORT=4242 # a comment',
  '',
].join('\n');

const otherLines = (text) => text.split('\n').filter((line) => !line.startsWith(`${KEY}=`));

/** Sets up one starting point; returns the path the writer is given and what to check afterwards. */
function prepare(dir, variant) {
  const shown = join(dir, '.env');
  if (variant === 'new') return { shown, target: shown, original: undefined };
  const target = variant === 'symlink' ? join(dir, 'config', 'app.env') : shown;
  mkdirSync(join(dir, 'config'));
  writeFileSync(target, ORIGINAL);
  chmodSync(target, 0o640);
  if (variant === 'symlink') symlinkSync('config/app.env', shown);
  return { shown, target, original: ORIGINAL };
}

/** What is wrong with the file after the kill, or nothing. */
function inspect({ shown, target, original }, variant) {
  if (variant === 'symlink' && !lstatSync(shown).isSymbolicLink()) return 'the symlink was replaced by a file';
  if (!existsSync(target)) return 'the file is gone';
  const text = readFileSync(target, 'utf8');
  const value = parse(text)[KEY];
  if (!/^whsec_reliability_\d+$/.test(value ?? '')) return `${KEY} is ${JSON.stringify(value)}, not a value that was written`;
  if (original === undefined ? text !== `${KEY}=${value}\n` : otherLines(text).join('\n') !== otherLines(original).join('\n')) return `other lines changed: ${JSON.stringify(text)}`;
  const mode = statSync(target).mode & 0o777;
  if (mode !== (original === undefined ? 0o600 : 0o640)) return `mode ${mode.toString(8)}`;
  return undefined;
}

async function trial(support, variant) {
  const dir = support.tempDir('stripe-hooks-env-kill-');
  const file = prepare(dir, variant);
  const child = spawn(process.execPath, [WRITER, file.shown, KEY], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout, 'data'); // the first write is in: the loop is running
  await sleep(randomInt(40));
  child.kill('SIGKILL');
  await once(child, 'exit');
  const leftovers = readdirSync(join(variant === 'symlink' ? join(dir, 'config') : dir)).filter((name) => name.endsWith('.tmp')).length;
  const problem = inspect(file, variant);
  remove(dir);
  return { problem, leftovers };
}

export async function envKill(support, { trials = 100 } = {}) {
  const variants = ['existing', 'symlink', 'new'];
  const outcomes = await pool(2, Array.from({ length: trials }, (_, i) => () => trial(support, variants[i % variants.length])));
  const failures = outcomes.flatMap((o, i) => (o.problem ? [`trial ${i + 1} (${variants[i % variants.length]}): ${o.problem}`] : []));
  const leftovers = outcomes.reduce((sum, o) => sum + o.leftovers, 0);
  return {
    name: 'kill -9 during .env writes',
    trials,
    failures,
    figures: [`${failures.length} torn or lost files`, `${leftovers} temp files left behind (.env.*.tmp)`],
  };
}
