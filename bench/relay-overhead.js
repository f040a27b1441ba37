// What the relay adds per delivery. Two fake Stripes on loopback, one listener each, both forwarding to the
// same no-op app: (a) a bare `stripe listen --forward-to <app>`, (b) `stripe-hooks listen --forward-to <app>`
// (the Stripe CLI forwards to the relay, the relay to the app). Deliveries alternate a, b, a, b, one at a
// time, so both see the same machine load and never compete. Latency of one delivery: from the fake sending
// the event down the websocket to the fake receiving the CLI's `webhook_response` for it.
// Target: the relay adds <= 2 ms at p50.
import { createServer } from 'node:http';
import { bareListen, BARE_READY, startUntilReady, wrappedListen, WRAPPED_READY } from './lib/listeners.js';
import { deliverThrough as deliver, loadFakeStripe, median, percentile } from './lib/measure.js';

const deliveries = Number(process.env.BENCH_DELIVERIES ?? 200);
const warmup = 20;

const startFakeStripe = await loadFakeStripe();
const app = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}')));
await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
const appUrl = `http://127.0.0.1:${app.address().port}/webhook`;

const fakes = { bare: await startFakeStripe(), relay: await startFakeStripe() };
const listeners = [];

try {
  listeners.push(await startUntilReady(bareListen(fakes.bare.url, appUrl), BARE_READY));
  listeners.push(await startUntilReady(wrappedListen(fakes.relay.url, appUrl), WRAPPED_READY));
  const times = { bare: [], relay: [] };
  for (let i = 0; i < warmup + deliveries; i++) {
    for (const which of i % 2 ? ['relay', 'bare'] : ['bare', 'relay']) {
      const ms = await deliver(fakes[which]);
      if (i >= warmup) times[which].push(ms);
    }
  }
  const line = (values) => `p50 ${median(values).toFixed(2)} ms, p95 ${percentile(values, 95).toFixed(2)} ms`;
  const added = median(times.relay) - median(times.bare);
  console.log(`relay: ${deliveries} deliveries each, alternating, after ${warmup} warm-up ones`);
  console.log(`relay: bare stripe listen -> app        ${line(times.bare)}`);
  console.log(`relay: stripe listen -> relay -> app    ${line(times.relay)}`);
  console.log(`relay: the relay adds ${added.toFixed(2)} ms at p50 (target <= 2 ms) ${added <= 2 ? 'ok' : 'OVER TARGET'}`);
} finally {
  await Promise.all(listeners.map((listener) => listener.stop()));
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  app.closeAllConnections();
  app.close();
}
