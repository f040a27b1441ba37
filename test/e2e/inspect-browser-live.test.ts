/**
 * The inspector as a browser meets it, on the real server: a delivery relayed by `listen --inspect` (the real Stripe
 * CLI against the fake Stripe) shows in the open page within 500 ms of the app's answer; and what a hostile page or a
 * rebound name can do from a real Chromium is refused: the page without its token, a POST from another origin (a
 * form, and a fetch that would need CORS), and a name that resolves to 127.0.0.1 (DNS rebinding, simulated with
 * Chromium's own host resolver rules) — the app receives nothing.
 */
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { openEvents } from '../support/inspector-client.js';
import { startListen, stopListens } from '../support/listen-cli.js';
import { receiversPerTest } from '../support/receiver.js';
import { startCli, type RunningCli } from '../support/running-cli.js';

const SECRET = 'whsec_inspectBrowserLive0123456789abc';
const REBOUND = 'rebind.stripe-hooks.test';
const receiver = receiversPerTest({ secret: SECRET });
let browser: Browser;
let fake: FakeStripe | undefined;
let cli: RunningCli | undefined;
let attacker: Server | undefined;
const streams: Array<{ close(): void }> = [];

beforeAll(async () => {
  // The rebound name resolves to 127.0.0.1 inside this browser only; no HTTPS-first upgrade of a plain http:// URL.
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [`--host-resolver-rules=MAP ${REBOUND} 127.0.0.1`, '--disable-features=HttpsUpgrades'] });
});
afterAll(async () => {
  await browser.close();
});
afterEach(async () => {
  streams.splice(0).forEach((stream) => stream.close());
  await stopListens();
  if (cli?.child.exitCode === null) cli.child.kill('SIGTERM');
  await cli?.child.catch(() => undefined);
  await fake?.close();
  await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve(undefined)));
  fake = cli = attacker = undefined;
});

/** Collects the page's errors, to show that nothing on the inspector's own page failed. */
async function openPage(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.locator('#live', { hasText: 'live' }).waitFor();
  return { page, errors };
}

describe('the inspector in a real browser, on the real server', () => {
  it('listen --inspect: a delivery shows in the open page within 500 ms of the app answering it', async () => {
    fake = await startFakeStripe();
    let answeredAt = 0;
    const app = await receiver({ secret: fake.secret, status: () => ((answeredAt = Date.now()), 200) });
    const listen = startListen(fake.url, ['--json', '-f', app.url, '--events', 'customer.created', '--inspect']);
    const { url } = JSON.parse(await listen.waitForLine(/"kind":"inspector"/)) as { url: string };
    await listen.waitForLine(/"kind":"ready"/);
    const { page, errors } = await openPage(url);

    // Installed before the event exists, so the first row is seen the moment it is drawn (same machine clock).
    // Page code as text: this program has Node's types, not the DOM's.
    await page.evaluate(`window.shownAt = new Promise((resolve) => {
      const rows = document.getElementById('rows');
      const seen = new MutationObserver(() => {
        if (rows.querySelector('.row')) {
          seen.disconnect();
          resolve(Date.now());
        }
      });
      seen.observe(rows, { childList: true, subtree: true });
    }); 0`); // not the promise itself, which evaluate would wait for
    const event = fake.emit({ type: 'customer.created', object: { id: 'cus_browser', object: 'customer' } });
    const shownAt = await page.evaluate<number>('window.shownAt');
    const delivered = await app.waitFor('customer.created');
    expect(delivered.verified, delivered.error).toBe(true);
    expect(await page.locator('#rows .row').first().innerText()).toContain(event.id);
    const ms = shownAt - answeredAt;
    console.log(`inspector: shown ${ms} ms after the app answered`);
    expect(ms).toBeLessThanOrEqual(500);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses the page without its token, a POST from another origin and a rebound host name: the app gets nothing', async () => {
    const app = await receiver();
    const box = sandbox();
    const body = JSON.stringify({ id: 'evt_hostile0', object: 'event', type: 'invoice.paid', created: 1_700_000_000, livemode: false, data: { object: { id: 'in_1' } } });
    writeFileSync(join(box.cwd, 'rec.ndjson'), JSON.stringify({ v: 1, run: 'r', seq: 0, receivedAt: '2026-12-01T10:00:00.000Z', event: body, headers: {}, answer: { status: 200, ms: 2 } }) + '\n');
    cli = startCli(['inspect', 'rec.ndjson', '--forward-to', app.url, '--json'], { box, env: { STRIPE_WEBHOOK_SECRET: SECRET } });
    const { url } = JSON.parse(await cli.waitForLine(/"kind":"inspector"/)) as { url: string };
    const inspector = new URL(url);
    const token = inspector.searchParams.get('token')!;
    const replay = `${inspector.origin}/api/deliveries/0/replay?token=${token}`;

    // The page without the token: a one-line 403, no page.
    const page = await browser.newPage();
    const bare = await page.goto(`${inspector.origin}/`);
    expect(bare?.status()).toBe(403);
    expect((await bare!.text()).trim().split('\n')).toHaveLength(1);
    expect(await page.locator('#rows').count()).toBe(0);

    // A name rebound to 127.0.0.1, with the right token: refused on its Host header.
    const rebound = await page.goto(`http://${REBOUND}:${inspector.port}/?token=${token}`);
    expect(rebound?.status()).toBe(403);
    expect(await rebound!.text()).toMatch(/host/i);

    // Another origin (another port of 127.0.0.1) that even knows the token and the CSRF token (the worst case):
    // a form POST (no preflight) and a fetch with the CSRF header (which needs a CORS preflight).
    const stream = openEvents(inspector.origin, `/events?token=${token}`);
    streams.push(stream);
    const { csrf } = (await stream.next()).data as { csrf: string };
    attacker = createServer((_request, response) => {
      response.setHeader('Content-Type', 'text/html');
      response.end(`<!doctype html><form id="f" method="post" action="${replay}"><input name="url" value="${app.url}"></form>
<script>
window.fetched = fetch(${JSON.stringify(replay)}, { method: 'POST', headers: { 'X-CSRF-Token': ${JSON.stringify(csrf)}, 'X-Inspector-Token': ${JSON.stringify(token)}, 'Content-Type': 'application/json' }, body: '{}' })
  .then((r) => 'answered ' + r.status, (e) => 'blocked: ' + e.name);
</script>`);
    });
    await new Promise<void>((resolve) => attacker!.listen(0, '127.0.0.1', resolve));
    const attackerUrl = `http://127.0.0.1:${(attacker.address() as { port: number }).port}/`;
    const hostile = await browser.newPage();
    await hostile.goto(attackerUrl);
    expect(await hostile.evaluate('window.fetched')).toBe('blocked: TypeError');
    const [formAnswer] = await Promise.all([hostile.waitForResponse((response) => response.url().startsWith(replay)), hostile.evaluate("document.getElementById('f').submit()")]);
    expect(formAnswer.status()).toBe(403);
    expect(await formAnswer.text()).toMatch(/origin|csrf/i);

    // The same POST from the page itself (same origin, its own CSRF token) reaches the app: the refusals were not
    // a replay that could never work.
    expect(app.deliveries).toHaveLength(0);
    const { page: own, errors } = await openPage(url);
    await own.locator('#rows .row', { hasText: 'evt_hostile0' }).click();
    await own.locator('#detail').getByRole('button', { name: 'Replay', exact: true }).click();
    const sent = await app.waitFor('invoice.paid');
    expect(sent.verified, sent.error).toBe(true);
    expect(app.deliveries).toHaveLength(1);
    expect(errors).toEqual([]);
    await Promise.all([page.close(), hostile.close(), own.close()]);
  });
});
