// Ad-hoc: spawn→Ready of `stripe-hooks listen` with one stripe listen (snapshot) and with two (snapshot + thin), interleaved.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeStripe } from './test/support/fake-stripe/server.ts';

const ROOT = process.cwd();
const rss: number[][] = [];
/** The RSS (MiB) of each child process of `pid`. */
function childrenRss(pid: number): number[] {
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return kids.map((kid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${kid}/status`, 'utf8'))![1]) / 1024);
}
const STRIPE = join(ROOT, 'node_modules/@stripe/cli-linux-x64/bin/stripe');
const runs = Number(process.env.RUNS ?? 10);

async function once(apiBase: string, extra: string[]): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), 'thinmeasure-'));
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/stripe-hooks.js'), 'listen', '--json', '-f', 'http://127.0.0.1:9/x', '--events', 'customer.created', ...extra, '--api-base', apiBase, '--stripe-bin', STRIPE], {
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), STRIPE_API_KEY: 'sk_test_stripehooks_harness_key', CI: 'true' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ms = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('"kind":"ready"')) resolve(performance.now() - started);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  rss.push(childrenRss(child.pid!));
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
  return ms;
}

const fake = await startFakeStripe();
const one: number[] = [];
const two: number[] = [];
await once(fake.url, []); // warm the probe cache and the page cache
for (let i = 0; i < runs; i++) {
  one.push(await once(fake.url, []));
  two.push(await once(fake.url, ['--thin-to', 'http://127.0.0.1:9/thin']));
}
await fake.close();
console.log('RSS of the stripe children at ready (MiB), last runs:', rss.slice(-4).map((list) => list.map((m) => m.toFixed(0)).join('+')).join(' | '));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (values: number[]) => `median ${median(values).toFixed(0)} ms, min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)}`;
console.log(`one stripe listen:  ${fmt(one)}`);
console.log(`two stripe listen:  ${fmt(two)}`);
console.log(`cost of the second: ${(median(two) - median(one)).toFixed(0)} ms (medians), load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
