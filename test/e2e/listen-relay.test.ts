/**
 * `listen` through the relay (issue #11), end to end with the real `stripe listen`
 * and the fake backend: each delivery is named by its own event id, failed POSTs
 * included; the app's answer body is shown; an app that is down or too slow gets
 * the Stripe CLI a 502 / 504 and the listener goes on; and nothing without the
 * run's token gets into the record.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type App } from '../support/app.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { deliveryLine, stopListens, startListen } from '../support/listen-cli.js';
import { closedPort } from '../support/ports.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

let fake: FakeStripe | undefined;
let receiver: Receiver | undefined;
const apps: App[] = [];

afterEach(async () => {
  await stopListens();
  await fake?.close();
  await receiver?.close();
  for (const app of apps.splice(0)) await app.close();
  fake = receiver = undefined;
});

async function app(options: Parameters<typeof startApp>[0] = {}): Promise<App> {
  const started = await startApp(options);
  apps.push(started);
  return started;
}

/** An app's error answer that quotes a secret, as careless handlers do. */
const SECRET = 'whsec_0123456789abcdefghijklmnopqrstuv';
const ERROR_BODY = `{\n  "error": "No signatures found matching the expected signature for payload",\n  "secret": "${SECRET}"\n}`;

describe('listen: every delivery by its own event id', () => {
  it('names each event, the failed POSTs too, with the route, status or failure class; Stripe gets 502 for the failures', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const down = `http://127.0.0.1:${await closedPort()}/charges`;
    const types = ['customer.created', 'charge.succeeded', 'charge.failed', 'invoice.paid'];
    const cli = startListen(fake.url, ['--json', '-f', receiver.url, '--route', `charge.*=${down}`, '--events', types.join(',')]);
    await cli.waitForLine(/"kind":"ready"/);

    // Back to back: the CLI forwards them concurrently, two of them to an app that is down.
    const emitted = types.map((type) => fake!.emit(type));
    for (const event of emitted) {
      const delivery = await deliveryLine(cli, event.id);
      const failed = event.type.startsWith('charge.');
      expect(delivery).toMatchObject({ kind: 'delivery', id: event.id, type: event.type, url: failed ? down : receiver.url, status: failed ? null : 200 });
      if (failed) {
        expect(delivery).toMatchObject({ failure: 'refused', error: `nothing is listening at ${new URL(down).origin} (ECONNREFUSED)` });
        expect(await fake.waitForResponse(event.id)).toMatchObject({ status: 502, body: `stripe-hooks relay: ${String(delivery.error)}\n` });
      } else {
        expect((await receiver.waitFor((d) => d.event?.id === event.id)).verified).toBe(true);
        expect((await fake.waitForResponse(event.id)).status).toBe(200);
      }
    }
    expect(cli.stdout.filter((line) => line.includes('"kind":"delivery"'))).toHaveLength(emitted.length);
  });
});

describe("listen: the app's answer body", () => {
  const answer = (r: { event?: { type: string } }) => (r.event?.type === 'invoice.paid' ? { status: 400, body: ERROR_BODY } : {});

  it('a human sees the start of a non-2xx body on one indented line, secrets masked; Stripe gets the body as the app sent it', async () => {
    fake = await startFakeStripe();
    const target = await app({ answer });
    const cli = startListen(fake.url, ['-f', target.url(), '--events', 'invoice.paid,invoice.created']);
    await cli.waitForLine(/Ready/, 'stderr');
    const paid = fake.emit('invoice.paid');
    const created = fake.emit('invoice.created');
    const createdLine = await cli.waitForLine(new RegExp(created.id));
    await cli.waitForLine(/^ {10}\{/); // the body line, printed with its delivery line
    cli.child.kill('SIGINT');
    const { stdout, exitCode } = await cli.child;
    expect(exitCode).toBe(130);

    const lines = stdout.split('\n');
    const at = lines.findIndex((line) => line.includes(paid.id));
    expect(lines[at]).toMatch(new RegExp(`invoice\\.paid +${paid.id} +400  \\d+ ms$`));
    expect(lines[at + 1]).toBe('          { "error": "No signatures found matching the expected signature for payload", "secret": "whsec_…stuv" }');
    expect(createdLine).toMatch(/ 200  \d+ ms$/);
    expect(lines).toHaveLength(3); // no body line under a 2xx
    expect(stdout).not.toContain(SECRET);
    expect((await fake.waitForResponse(paid.id)).body).toBe(ERROR_BODY); // the relay hands the answer back unchanged
  });

  it('--json: a `body` field on non-2xx deliveries only, secrets masked', async () => {
    fake = await startFakeStripe();
    const target = await app({ answer });
    const cli = startListen(fake.url, ['--json', '-f', target.url(), '--events', 'invoice.paid,invoice.created']);
    await cli.waitForLine(/"kind":"ready"/);
    const paid = fake.emit('invoice.paid');
    const created = fake.emit('invoice.created');
    expect(await deliveryLine(cli, paid.id)).toMatchObject({ status: 400, body: ERROR_BODY.replace(SECRET, 'whsec_…stuv') });
    const ok = await deliveryLine(cli, created.id);
    expect(ok).toMatchObject({ status: 200 });
    expect(ok).not.toHaveProperty('body');
    expect(cli.stdout.join('\n')).not.toContain(SECRET);
  });

  it('--json: a compressed answer (the CLI asks for gzip) is shown decoded, an HTML page as its text, and handed back to the CLI as it came', async () => {
    fake = await startFakeStripe();
    // As compression middleware does: gzip when the request accepts it, which the Stripe CLI's requests do.
    const page = `<!DOCTYPE html><html><body><h1>TypeError: Cannot read properties of undefined</h1>${'<p>at handler</p>'.repeat(100)}</body></html>`;
    const target = await app({
      answer: (r) => (/gzip/.test(String(r.headers['accept-encoding'])) ? { status: 500, body: gzipSync(page), headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'text/html' } } : { status: 500, body: page }),
    });
    const cli = startListen(fake.url, ['--json', '-f', target.url(), '--events', 'invoice.paid']);
    await cli.waitForLine(/"kind":"ready"/);
    const paid = fake.emit('invoice.paid');
    // The excerpt is the page's first 2 KiB as text (an HTML page's text); the CLI gets the page itself.
    expect(await deliveryLine(cli, paid.id)).toMatchObject({ status: 500, body: expect.stringMatching(/^TypeError: Cannot read properties of undefined( at handler){60,}$/) });
    expect(await fake.waitForResponse(paid.id)).toMatchObject({ status: 500, body: page.slice(0, 5000) });
  });
});

describe('listen: an app that is down or slow', () => {
  it('down: the Stripe CLI gets 502 with a clear body, the delivery is shown as refused, and listening goes on until the app is up', async () => {
    fake = await startFakeStripe();
    const port = await closedPort();
    const cli = startListen(fake.url, ['-f', `http://127.0.0.1:${port}/webhook`, '--events', 'charge.succeeded']);
    await cli.waitForLine(/Ready/, 'stderr');

    const missed = fake.emit('charge.succeeded');
    expect(await cli.waitForLine(new RegExp(missed.id))).toMatch(new RegExp(`charge\\.succeeded +${missed.id} +refused  \\d+ ms$`));
    const why = `nothing is listening at http://127.0.0.1:${port} (ECONNREFUSED)`;
    await cli.waitForLine(new RegExp(`^ {10}${why.replace(/[.()]/g, '\\$&')}$`));
    expect(await fake.waitForResponse(missed.id)).toMatchObject({ status: 502, body: `stripe-hooks relay: ${why}\n` });

    const target = await app({ port });
    const later = fake.emit('charge.succeeded');
    expect(await cli.waitForLine(new RegExp(later.id))).toMatch(/ 200  \d+ ms$/);
    expect(target.requests.map((r) => r.event?.id)).toEqual([later.id]);
    expect((await fake.waitForResponse(later.id)).status).toBe(200);
    expect(cli.child.exitCode).toBeNull();
  });

  it('--forward-timeout 1 with an app that answers after 2 s: a `timeout` failure, and the Stripe CLI gets 504', async () => {
    fake = await startFakeStripe();
    const slow = await app({ answer: () => ({ delayMs: 2000 }) });
    const cli = startListen(fake.url, ['--json', '-f', slow.url(), '--events', 'charge.succeeded', '--forward-timeout', '1']);
    await cli.waitForLine(/"kind":"ready"/);
    const event = fake.emit('charge.succeeded');
    const delivery = await deliveryLine(cli, event.id);
    expect(delivery).toMatchObject({ id: event.id, status: null, failure: 'timeout', error: 'no answer within 1 s' });
    // Node's timers run on the event loop's cached whole-millisecond clock, so a 1000 ms timer can fire at 999.x ms
    // by performance.now() (seen: 999.9 with 4 test workers on a loaded machine): at least 999, not 1000.
    expect(delivery.ms).toBeGreaterThanOrEqual(999);
    expect(delivery.ms).toBeLessThan(2000);
    expect(await fake.waitForResponse(event.id)).toMatchObject({ status: 504, body: 'stripe-hooks relay: no answer within 1 s\n' });
  });
});

describe("listen: the relay's token", () => {
  it('refuses requests without the run\'s token (403) and neither shows nor forwards them', async () => {
    fake = await startFakeStripe();
    const target = await app();
    const cli = startListen(fake.url, ['--json', '-f', target.url(), '--events', 'customer.created']);
    await cli.waitForLine(/"kind":"ready"/);
    // What the Stripe CLI was told to forward to: http://127.0.0.1:<port>/<token>/forward.
    const relay = new URL(String(fake.sessions[0]!.params.forward_to_url));
    const [, token, route] = relay.pathname.split('/');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(route).toBe('forward');

    const forged = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'customer.created', created: 1, data: { object: {} } });
    const post = (path: string) => fetch(new URL(path, relay), { method: 'POST', body: forged, headers: { 'Content-Type': 'application/json' } });
    for (const path of ['/forward', '/connect', `/${'0'.repeat(32)}/forward`, `/${token!.toUpperCase()}/forward`, `/${token}x/forward`, `/${token}/other`, '/']) {
      const answer = await post(path);
      expect([path, answer.status]).toEqual([path, 403]);
      expect(await answer.text()).toBe('stripe-hooks relay: forbidden\n');
    }
    expect((await fetch(relay)).status).toBe(405); // the token, but not a POST

    const real = fake.emit('customer.created');
    await deliveryLine(cli, real.id);
    expect(target.requests.map((r) => r.event?.id)).toEqual([real.id]);
    expect(cli.stdout.map((line) => (JSON.parse(line) as { kind: string; id?: string }).id ?? 'ready')).toEqual(['ready', real.id]);
  });
});
