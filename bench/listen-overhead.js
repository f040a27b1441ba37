// Spawn-to-ready time of `stripe-hooks listen` against a bare `stripe listen`, both
// pointed at the same loopback backend, interleaved so both see the same machine load.
// The backend is the minimum `stripe listen` needs (session answer + websocket); the
// full fake in test/support is TypeScript, which plain Node 20 cannot import.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stripeBin = join(root, 'node_modules', '@stripe', 'cli-linux-x64', 'bin', 'stripe');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const key = 'sk_test_bench_listen_overhead';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const { port } = server.address();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ websocket_url: `ws://127.0.0.1:${port}/ws`, websocket_id: 'cliws_bench', websocket_authorized_feature: 'webhooks', secret: 'whsec_benchbenchbenchbench', reconnect_delay: 600 }));
  });
});
const sockets = new WebSocketServer({ server });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const apiBase = `http://127.0.0.1:${server.address().port}`;
const forwardTo = 'http://127.0.0.1:9/webhook';

/** Milliseconds from spawn until a stderr line matches `ready`; then stops the process and waits for it. */
function timeToReady(command, args, ready) {
  const home = mkdtempSync(join(tmpdir(), 'bench-listen-'));
  const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), STRIPE_API_KEY: key, STRIPE_CLI_TELEMETRY_OPTOUT: '1', NO_COLOR: '1' };
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    let elapsed;
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      text += chunk;
      if (elapsed === undefined && ready.test(text)) {
        elapsed = Number(process.hrtime.bigint() - start) / 1e6;
        child.kill('SIGTERM');
      }
    });
    child.on('exit', () => (elapsed === undefined ? reject(new Error(`${command} never got ready:\n${text}`)) : resolve(elapsed)));
  });
}

const bare = () => timeToReady(stripeBin, ['listen', '--forward-to', forwardTo, '--events', 'charge.succeeded', '--skip-update', '--api-base', apiBase], /Ready!/);
const wrapped = () =>
  timeToReady(process.execPath, ['--', join(root, 'bin', 'stripe-hooks.js'), 'listen', '--forward-to', forwardTo, '--events', 'charge.succeeded', '--api-base', apiBase, '--stripe-bin', stripeBin], /Ready — forwarding/);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

await bare(); // warm the file cache once
await wrapped();
const bareTimes = [];
const wrappedTimes = [];
for (let i = 0; i < runs; i++) {
  bareTimes.push(await bare());
  wrappedTimes.push(await wrapped());
}
for (const socket of sockets.clients) socket.terminate();
sockets.close();
server.close();

const [b, w] = [median(bareTimes), median(wrappedTimes)];
console.log(`listen: spawn to ready, bare stripe listen median ${b.toFixed(1)} ms, stripe-hooks listen median ${w.toFixed(1)} ms (${runs} interleaved runs)`);
console.log(`listen: the wrapper adds ${(w - b).toFixed(1)} ms (ratio ${(w / b).toFixed(2)})`);
