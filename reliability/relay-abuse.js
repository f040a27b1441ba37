// The relay under abuse: anyone who reads its token from `ps` can connect. The built relay runs in a child
// process (src/relay/relay.ts, as `listen` starts it, the session secret known) in front of a no-op app, while
// this process keeps 200 connections sending unsigned bodies slowly (each announcing 16 MiB, sending 1 MiB at
// once, then 32 KiB every 100 ms; a closed one is opened again 250 ms later) and sends a signed delivery every 250 ms on a new connection. The
// criteria: the relay's RSS (from /proc) stays under the bound, its own count of unverified bytes never passes
// its 32 MiB cap, and every signed delivery gets the app's 200.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { benchSource } from './lib.js';

const RSS_BOUND_MIB = 256; // a relay at rest is ~55 MiB; the 32 MiB of bodies, and the garbage of evicted ones
const CAP = 32 << 20;

const CHILD = `
import { createServer } from 'node:http';
import { startRelay } from ${JSON.stringify(benchSource('relay/relay'))};
const app = createServer((req, res) => req.resume().on('end', () => res.end('ok')));
await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
const refused = {};
const relay = await startRelay({ routing: { forwardTo: \`http://127.0.0.1:\${app.address().port}/webhook\`, routes: [] }, onDelivery: () => {}, onRefused: (why) => (refused[why] = (refused[why] ?? 0) + 1) });
relay.expectSignedBy(process.env.RELAY_SECRET);
console.log(relay.url('forward'));
process.stdin.on('data', () => console.log(JSON.stringify({ ...relay.load(), refused })));
`;

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function signed(url, secret) {
  const body = JSON.stringify({ id: `evt_${randomBytes(8).toString('hex')}`, object: 'event', type: 'charge.succeeded', created: Math.floor(Date.now() / 1000) });
  const t = Math.floor(Date.now() / 1000);
  const signature = `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode));
    });
    req.on('error', (error) => resolve(error.code));
    req.end(body);
  });
}

export async function relayAbuse(_support, { connections = 200, seconds = 15 } = {}) {
  const secret = `whsec_${randomBytes(32).toString('hex')}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { env: { ...process.env, RELAY_SECRET: secret }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const url = new URL((await lines.next()).value);
  const baseline = rssMiB(child.pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(child.pid))), 50);

  let stopping = false;
  let opened = 0;
  const chunk = Buffer.alloc(32 << 10, 0x78);
  const burst = Buffer.alloc(1 << 20, 0x78);
  const abuser = () => {
    if (stopping) return;
    opened++;
    const socket = connect(Number(url.port), '127.0.0.1');
    let timer;
    socket.on('connect', () => {
      socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: ${16 << 20}\r\n\r\n`);
      socket.write(burst);
      timer = setInterval(() => socket.write(chunk), 100);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      setTimeout(abuser, 250);
    });
    return socket;
  };
  const sockets = Array.from({ length: connections }, abuser);
  const statuses = [];
  const deliveries = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    deliveries.push(signed(url.href, secret).then((status) => statuses.push(status)));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await Promise.all(deliveries);
  child.stdin.write('\n');
  const load = JSON.parse((await lines.next()).value);
  stopping = true;
  for (const socket of sockets) socket.destroy();
  clearInterval(sampler);
  child.kill();
  await once(child, 'exit');

  const failures = [];
  if (peak > RSS_BOUND_MIB) failures.push(`relay RSS peaked at ${peak.toFixed(0)} MiB (bound ${RSS_BOUND_MIB} MiB)`);
  if (load.peakUnverifiedBytes > CAP) failures.push(`unverified bytes peaked at ${load.peakUnverifiedBytes} (cap ${CAP})`);
  const bad = statuses.filter((status) => status !== 200);
  if (bad.length) failures.push(`${bad.length} of ${statuses.length} signed deliveries failed: ${[...new Set(bad)].join(', ')}`);
  return {
    name: `relay under ${connections} slow unverified connections`,
    trials: statuses.length,
    failures,
    figures: [
      `relay RSS ${baseline.toFixed(0)} -> peak ${peak.toFixed(0)} MiB (bound ${RSS_BOUND_MIB})`,
      `unverified bytes peak ${(load.peakUnverifiedBytes / 2 ** 20).toFixed(1)} MiB (cap 32)`,
      `${statuses.length - bad.length}/${statuses.length} signed deliveries answered 200`,
      `${opened} abusive connections opened, refused ${JSON.stringify(load.refused)}`,
    ],
  };
}
