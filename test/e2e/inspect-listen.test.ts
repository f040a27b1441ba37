/**
 * `listen --inspect` end to end: the built CLI on the real Stripe CLI against the fake Stripe, the inspector's URL
 * printed, each delivery on the event stream as the relay saw it (the signature checked against the session's
 * secret, the app's answer), a replay from the inspector verified by the app, and the secret and the API key in no
 * answer. And `inspect FILE`: a recording served with no Stripe CLI and no network.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectItem } from '../../src/inspect/item.js';
import { runCli, sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { call, openEvents } from '../support/inspector-client.js';
import { deliveryLine, startListen, stopListens } from '../support/listen-cli.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startCli, type RunningCli } from '../support/running-cli.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

let fake: FakeStripe | undefined;
let receiver: Receiver | undefined;
let inspectCli: RunningCli | undefined;
const streams: Array<{ close(): void }> = [];

afterEach(async () => {
  streams.splice(0).forEach((stream) => stream.close());
  await stopListens();
  if (inspectCli?.child.exitCode === null) inspectCli.child.kill('SIGTERM');
  await inspectCli?.child.catch(() => undefined);
  await fake?.close();
  await receiver?.close();
  fake = receiver = inspectCli = undefined;
});

describe('listen --inspect', () => {
  it('shows each delivery live with its signature checked, and replays it to the app re-signed', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret, status: (event) => (event.type === 'invoice.paid' ? 500 : 200) });
    const cli = startListen(fake.url, ['--json', '-f', receiver.url, '--events', 'customer.created,invoice.paid', '--inspect']);
    const { url } = JSON.parse(await cli.waitForLine(/"kind":"inspector"/)) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
    await cli.waitForLine(/"kind":"ready"/);
    const page = new URL(url);
    const token = page.searchParams.get('token')!;
    const stream = openEvents(page.origin, `/events?token=${token}`);
    streams.push(stream);
    const hello = await stream.next();
    expect(hello.data).toMatchObject({ mode: 'listen', limit: 1000, dropped: 0 });

    const created = fake.emit({ type: 'customer.created', object: { id: 'cus_inspect', object: 'customer', name: 'Zoë' } });
    const failed = fake.emit({ type: 'invoice.paid', object: { id: 'in_inspect', object: 'invoice' } });
    await deliveryLine(cli, created.id);
    await deliveryLine(cli, failed.id);
    const first = (await stream.next()).data as InspectItem;
    const second = (await stream.next()).data as InspectItem;
    const byId = new Map([first, second].map((item) => [item.id, item]));
    const ok = byId.get(created.id)!;
    expect(ok).toMatchObject({ kind: 'delivery', type: 'customer.created', status: 200, route: receiver.url, answer: { status: 200, body: '{"received":true}' } });
    expect(ok.signature).toMatchObject({ verifies: true, tolerance: 300 });
    expect(Math.abs(ok.signature!.skewSeconds)).toBeLessThanOrEqual(2);
    expect(ok.event).toBe(receiver.deliveries.find((d) => d.event?.id === created.id)!.rawBody);
    expect(ok.request.headers['user-agent']).toMatch(/^Stripe\//);
    expect(byId.get(failed.id)).toMatchObject({ status: 500, answer: { status: 500 } });

    const hello2 = hello.data as { csrf: string };
    const before = receiver.deliveries.length;
    const replayed = await call(page.origin, `/api/deliveries/${ok.seq}/replay?token=${token}`, { method: 'POST', headers: { 'X-CSRF-Token': hello2.csrf, Origin: page.origin }, body: '{}' });
    expect(JSON.parse(replayed.text)).toMatchObject({ status: 200 });
    const again = await receiver.waitFor((d) => receiver!.deliveries.indexOf(d) >= before && d.event?.id === created.id);
    expect(again.verified).toBe(true);

    const list = await call(page.origin, `/api/deliveries?token=${token}`);
    for (const text of [list.text, (await call(page.origin, `/api/export?token=${token}`)).text, (await call(page.origin, `/api/deliveries/${ok.seq}/curl?token=${token}`)).text]) {
      expect(text).not.toContain(fake.secret);
      expect(text).not.toContain(TEST_API_KEY);
    }
    cli.child.kill('SIGINT');
    expect((await cli.child).exitCode).toBe(130);
  });
});

describe('inspect FILE', () => {
  it('serves a recording with no Stripe CLI; replay needs --forward-to and a secret', async () => {
    const box = sandbox();
    const event = (n: number) => JSON.stringify({ id: `evt_file${n}`, object: 'event', type: 'charge.succeeded', created: 1_700_000_000 + n, livemode: false, data: { object: { id: `ch_${n}` } } });
    const lines = [0, 1].map((n) => JSON.stringify({ v: 1, run: 'r1', seq: n, receivedAt: '2026-12-01T10:00:00.000Z', event: event(n), headers: { 'content-type': 'application/json' }, answer: { status: 200, ms: 2 } }));
    writeFileSync(join(box.cwd, 'rec.ndjson'), lines.join('\n') + '\n');
    receiver = await startReceiver({ secret: 'whsec_fromthefile0123456789' });
    // No Stripe CLI reachable: PATH holds none and no --stripe-bin; no API key.
    inspectCli = startCli(['inspect', 'rec.ndjson', '--json', '--forward-to', receiver.url], { box, env: { STRIPE_WEBHOOK_SECRET: 'whsec_fromthefile0123456789', PATH: '/nonexistent' } });
    const { url } = JSON.parse(await inspectCli.waitForLine(/"kind":"inspector"/)) as { url: string };
    const page = new URL(url);
    const token = page.searchParams.get('token')!;
    const { items } = JSON.parse((await call(page.origin, `/api/deliveries?token=${token}`)).text) as { items: InspectItem[] };
    expect(items.map((item) => [item.seq, item.id, item.status])).toEqual([[0, 'evt_file0', 200], [1, 'evt_file1', 200]]);
    expect(items[0]!.event).toBe(event(0));
    const stream = openEvents(page.origin, `/events?token=${token}`);
    streams.push(stream);
    const { csrf, mode } = (await stream.next()).data as { csrf: string; mode: string };
    expect(mode).toBe('inspect');
    const replayed = await call(page.origin, `/api/deliveries/1/replay?token=${token}`, { method: 'POST', headers: { 'X-CSRF-Token': csrf }, body: '{}' });
    expect(JSON.parse(replayed.text)).toMatchObject({ status: 200 });
    const got = await receiver.waitFor('charge.succeeded');
    expect(got.verified).toBe(true);
    expect(got.rawBody).toBe(event(1));
    inspectCli.child.kill('SIGINT');
    expect((await inspectCli.child).exitCode).toBe(130);
  });

  it('refuses a bad recording, and --forward-to without a secret, with one line and a hint, before serving', async () => {
    const box = sandbox();
    writeFileSync(join(box.cwd, 'bad.ndjson'), '{"v":1,"event":"{}"}\n');
    const bad = await runCli(['inspect', 'bad.ndjson'], { box });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/bad\.ndjson:1/);
    writeFileSync(join(box.cwd, 'ok.ndjson'), '');
    const noSecret = await runCli(['inspect', 'ok.ndjson', '--forward-to', 'localhost:4242/webhook'], { box, env: { STRIPE_WEBHOOK_SECRET: '' } });
    expect(noSecret.exitCode).toBe(2);
    expect(noSecret.stderr).toMatch(/--forward-to needs the secret/);
    expect(noSecret.stderr).toMatch(/--secret/);
    expect(noSecret.stdout).toBe('');
  });
});
