// What --inspect adds per delivery. Two fake Stripes on loopback, one `stripe-hooks listen` each, both forwarding
// to the same no-op app: (a) plain, (b) with --inspect and a browser's event stream open on the inspector (so each
// delivery is built into an item, kept in the ring and sent down the stream). Deliveries alternate a, b, one at a
// time; latency is from the fake sending the event to it receiving the CLI's `webhook_response`. With
// BENCH_BASE=<another built checkout> (e.g. main), a third listener runs that checkout without --inspect: plain
// `listen` must be no slower than before.
// Target: --inspect adds <= 1 ms at p50.
import { createServer, get } from 'node:http';
import { startUntilReady, wrappedListen, WRAPPED_READY } from './lib/listeners.js';
import { deliverThrough as deliver, loadFakeStripe, median, percentile } from './lib/measure.js';

const deliveries = Number(process.env.BENCH_DELIVERIES ?? 200);
const warmup = 20;
const base = process.env.BENCH_BASE;

const startFakeStripe = await loadFakeStripe();
const app = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}')));
await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
const appUrl = `http://127.0.0.1:${app.address().port}/webhook`;

const kinds = ['plain', 'inspect', ...(base ? ['base'] : [])];
const fakes = Object.fromEntries(await Promise.all(kinds.map(async (kind) => [kind, await startFakeStripe()])));
const listeners = [];
let stream;

try {
  listeners.push(await startUntilReady(wrappedListen(fakes.plain.url, appUrl), WRAPPED_READY));
  const [command, args] = wrappedListen(fakes.inspect.url, appUrl);
  const inspecting = await startUntilReady([command, [...args, '--inspect']], WRAPPED_READY);
  listeners.push(inspecting);
  const url = /Inspector: (\S+)/.exec(inspecting.text)?.[1];
  if (!url) throw new Error(`no inspector URL in:\n${inspecting.text}`);
  let received = 0;
  stream = get(url.replace('/?', '/events?'), (res) => res.on('data', () => received++));
  if (base) listeners.push(await startUntilReady(wrappedListen(fakes.base.url, appUrl, 'charge.succeeded', base), WRAPPED_READY));
  const times = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let i = 0; i < warmup + deliveries; i++) {
    for (const kind of i % 2 ? [...kinds].reverse() : kinds) {
      const ms = await deliver(fakes[kind]);
      if (i >= warmup) times[kind].push(ms);
    }
  }
  if (received === 0) throw new Error('the event stream got nothing');
  const line = (values) => `p50 ${median(values).toFixed(2)} ms, p95 ${percentile(values, 95).toFixed(2)} ms`;
  const added = median(times.inspect) - median(times.plain);
  console.log(`inspect: ${deliveries} deliveries each, alternating, after ${warmup} warm-up ones`);
  console.log(`inspect: listen                 ${line(times.plain)}`);
  console.log(`inspect: listen --inspect       ${line(times.inspect)} (an event stream open)`);
  if (base) console.log(`inspect: listen (${base}) ${line(times.base)}: this one is ${(median(times.plain) - median(times.base)).toFixed(2)} ms slower at p50`);
  console.log(`inspect: --inspect adds ${added.toFixed(2)} ms at p50 (target <= 1 ms) ${added <= 1 ? 'ok' : 'OVER TARGET'}`);
} finally {
  stream?.destroy();
  await Promise.all(listeners.map((listener) => listener.stop()));
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  app.closeAllConnections();
  app.close();
}
