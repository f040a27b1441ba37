// Offline burst throughput: `trigger-flow payment --offline --repeat 1000 --concurrency 32` (9,000 signed
// events) into a no-op receiver on 127.0.0.1, against a bare keep-alive loop that signs and POSTs the same
// number of events of the same shapes and sizes (the flow's own events, fresh ids each) with the same
// headers and concurrency, so the receiver does the same work for both. Both are child processes, timed from spawn to exit, interleaved; medians and their
// throughput ratio (target >= 0.8), and the CLI's peak RSS (target <= 100 MB).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { interleavedMedians, root } from './lib/measure.js';

const cli = join(root, 'bin', 'stripe-hooks.js');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const REPEAT = 1000;
const CONCURRENCY = 32;
const secret = 'whsec_benchOfflineBurst0123456789abc';
// The CLI reads it from the environment, as users are told to: a --secret flag would show in `ps` (and warn).
process.env.STRIPE_WEBHOOK_SECRET = secret;
const TIME = '/usr/bin/time';

// The no-op receiver: reads each body and answers 200, in its own process like a real app.
const receiverSource = `
  const http = require('node:http');
  const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}')); });
  server.keepAliveTimeout = 60000;
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

// The bare loop: 32 workers, each sends its share of events one at a time over a keep-alive pool.
const bareSource = `
  const http = require('node:http');
  const { createHmac, randomBytes } = require('node:crypto');
  const [url, secret, total, concurrency] = process.argv.slice(1);
  const templates = JSON.parse(require('node:fs').readFileSync(0, 'utf8')).events;
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
  let next = 0;
  const post = (body) => new Promise((resolve, reject) => {
    const t = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', secret).update(t + '.' + body).digest('hex');
    const headers = {
      'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Accept: '*/*; q=0.5, application/xml',
      'Cache-Control': 'no-cache', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'Stripe-Signature': 't=' + t + ',v1=' + signature,
    };
    const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('status ' + res.statusCode))));
    });
    req.on('error', reject);
    req.end(body);
  });
  const worker = async () => {
    while (next < Number(total)) {
      const template = templates[next++ % templates.length];
      await post(JSON.stringify({ ...template, id: 'evt_' + randomBytes(12).toString('hex') }, null, 2));
    }
  };
  Promise.all(Array.from({ length: Number(concurrency) }, worker)).then(() => agent.destroy());
`;

function startReceiver() {
  const child = spawn(process.execPath, ['-e', receiverSource], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.once('data', (port) => resolve({ child, url: `http://127.0.0.1:${String(port).trim()}/webhook` })));
}

/** Runs a command to completion: wall ms, stdout, and peak RSS in KB when measured. */
function timed(command, args, input) {
  return new Promise((resolve, reject) => {
    const measure = existsSync(TIME);
    const started = process.hrtime.bigint();
    const child = measure
      ? spawn(TIME, ['-f', 'peak-rss-kb %M', command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let peak = 0;
    // Without /usr/bin/time, VmHWM (the kernel's high-water mark) read until exit is the peak.
    const poll = measure ? undefined : setInterval(() => (peak = Math.max(peak, vmHwm(child.pid))), 20);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.end(input ?? '');
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`${args.slice(0, 3).join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      const rss = measure ? Number(/peak-rss-kb (\d+)/.exec(stderr)?.[1] ?? 0) : peak;
      resolve({ ms, stdout, rss });
    });
  });
}

function vmHwm(pid) {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const { child: receiver, url } = await startReceiver();
try {
  // The bare loop's templates: the flow's own events, as the CLI would send them.
  const plan = spawnSync(process.execPath, [cli, 'trigger-flow', 'payment', '--offline', '--dry-run', '--json', '--forward-to', url, '--seed', '1'], { encoding: 'utf8' });
  if (plan.status !== 0) throw new Error(`dry run failed: ${plan.stderr}`);
  const total = REPEAT * JSON.parse(plan.stdout).events.length;
  const cliArgs = [cli, 'trigger-flow', 'payment', '--offline', '--repeat', String(REPEAT), '--concurrency', String(CONCURRENCY), '--forward-to', url, '--seed', '1', '--json'];
  const bareArgs = ['-e', bareSource, url, secret, String(total), String(CONCURRENCY)];

  let peakRss = 0;
  const cliRun = async () => {
    const run = await timed(process.execPath, cliArgs);
    const report = JSON.parse(run.stdout);
    if (report.burst.count !== total || report.burst.failures !== 0) throw new Error(`CLI burst: ${JSON.stringify(report.burst)}`);
    peakRss = Math.max(peakRss, run.rss);
    return run.ms;
  };
  const bareRun = async () => (await timed(process.execPath, bareArgs, plan.stdout)).ms;
  const [cliMs, bareMs] = await interleavedMedians(runs, cliRun, bareRun);
  const ratio = bareMs / cliMs; // throughput ratio: CLI events/s over bare events/s
  const rssMb = peakRss / 1024;
  console.log(`offline-burst: ${total} events, concurrency ${CONCURRENCY}, ${runs} interleaved runs each, wall time from spawn to exit`);
  console.log(`offline-burst: stripe-hooks median ${cliMs.toFixed(0)} ms (${Math.round((total / cliMs) * 1000)} events/s), bare loop median ${bareMs.toFixed(0)} ms (${Math.round((total / bareMs) * 1000)} events/s)`);
  console.log(`offline-burst: throughput ratio ${ratio.toFixed(2)} (target >= 0.8) ${ratio >= 0.8 ? 'ok' : 'UNDER TARGET'}`);
  console.log(`offline-burst: peak RSS ${rssMb.toFixed(1)} MB (target <= 100 MB, ${existsSync(TIME) ? '/usr/bin/time' : '/proc VmHWM'}) ${rssMb <= 100 ? 'ok' : 'OVER TARGET'}`);
} finally {
  receiver.kill();
}
