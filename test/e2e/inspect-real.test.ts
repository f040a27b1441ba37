/**
 * The page against the REAL server, end to end: `stripe-hooks inspect` of a small recording with --forward-to a
 * verifying app (the official SDK's constructEvent) and a secret, in headless Chromium (Debian's /usr/bin/chromium
 * through playwright-core). The deliveries show; Replay reaches the app with a valid, freshly timed signature over the
 * recorded bytes; Edit and replay delivers the edited body, verified.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandbox } from '../support/cli.js';
import { receiversPerTest } from '../support/receiver.js';
import { startCli, type RunningCli } from '../support/running-cli.js';

const SECRET = 'whsec_inspectRealPage0123456789abcdef';
const receiver = receiversPerTest({ secret: SECRET });
let browser: Browser;
let cli: RunningCli | undefined;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});
afterAll(async () => {
  await browser.close();
});
afterEach(async () => {
  if (cli?.child.exitCode === null) cli.child.kill('SIGTERM');
  await cli?.child.catch(() => undefined);
  cli = undefined;
});

const event = (n: number) => JSON.stringify({ id: `evt_realpage${n}`, object: 'event', type: n ? 'invoice.paid' : 'customer.created', created: 1_700_000_000 + n, livemode: false, data: { object: { id: `obj_${n}`, amount: 100 * (n + 1) } } });

/** The `t=` of a Stripe-Signature header, unix seconds. */
const signedAt = (header: string | string[] | undefined): number => Number(/(?:^|,)t=(\d+)/.exec(String(header))?.[1]);

describe('the inspector page on the real server (stripe-hooks inspect)', () => {
  it('lists a recording; Replay and Edit and replay reach the app, each verified with a fresh signature', async () => {
    const app = await receiver();
    const box = sandbox();
    const events = [0, 1].map(event);
    const lines = events.map((text, n) => JSON.stringify({ v: 1, run: 'r', seq: n, receivedAt: '2026-12-01T10:00:00.000Z', event: text, headers: {}, answer: { status: 200, ms: 2 } }));
    writeFileSync(join(box.cwd, 'rec.ndjson'), lines.join('\n') + '\n');
    cli = startCli(['inspect', 'rec.ndjson', '--forward-to', app.url, '--json'], { box, env: { STRIPE_WEBHOOK_SECRET: SECRET } });
    const { url } = JSON.parse(await cli.waitForLine(/"kind":"inspector"/)) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    await page.goto(url);
    await page.locator('#live', { hasText: 'live' }).waitFor();
    await expect.poll(() => page.locator('#rows .row').allInnerTexts()).toHaveLength(2);
    const rows = await page.locator('#rows .row').allInnerTexts();
    expect(rows[0]).toContain('evt_realpage1'); // newest first
    expect(rows[1]).toContain('evt_realpage0');
    expect(await page.locator('#mode').innerText()).toContain('inspect');
    expect(app.deliveries).toHaveLength(0); // showing sends nothing

    await page.locator('#rows .row', { hasText: 'evt_realpage1' }).click();
    const detail = page.locator('#detail');
    const before = Math.floor(Date.now() / 1000);
    await detail.getByRole('button', { name: 'Replay', exact: true }).click();
    await detail.locator('.result', { hasText: 'replay: 200' }).waitFor();
    const replayed = await app.waitFor('invoice.paid');
    expect(replayed.verified, replayed.error).toBe(true);
    expect(replayed.rawBody).toBe(events[1]); // the recorded bytes
    expect(signedAt(replayed.headers['stripe-signature'])).toBeGreaterThanOrEqual(before - 1);
    expect(signedAt(replayed.headers['stripe-signature'])).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);

    await detail.getByRole('button', { name: 'Edit and replay' }).click();
    const edited = (await page.inputValue('#edit-event')).replace('"amount": 200', '"amount": 4242');
    expect(edited).toContain('"amount": 4242');
    await page.fill('#edit-event', edited);
    await detail.getByRole('button', { name: 'Send edited' }).click();
    const sent = await app.waitFor((delivery) => delivery.rawBody.includes('4242'));
    expect(sent.verified, sent.error).toBe(true);
    expect(sent.rawBody).toBe(edited);
    expect(sent.event).toMatchObject({ id: 'evt_realpage1', data: { object: { amount: 4242 } } });
    expect(signedAt(sent.headers['stripe-signature'])).toBeGreaterThanOrEqual(before - 1);
    expect(app.deliveries).toHaveLength(2);
    expect(await page.content()).not.toContain(SECRET);
    expect(errors).toEqual([]);
    await page.close();
  });
});
