/**
 * Thin events live (issue #24), end to end: the built `stripe-hooks listen` on the real Stripe CLI 1.52 and the
 * fake backend. In one run a thin event reaches an app that verifies it with stripe-node's
 * `parseEventNotification` while snapshot events reach another that verifies with `webhooks.constructEvent`;
 * the run's recording then replays the thin event byte for byte. And no deprecation warning of the Stripe CLI's
 * anywhere: it runs one `stripe listen` per kind, with flags its next major takes too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { deliveryLine, startListen, stopListens } from '../support/listen-cli.js';
import { receiversPerTest } from '../support/receiver.js';
import { readRecording } from '../support/recording.js';

const METER = 'v1.billing.meter.no_meter_found';

let fake: FakeStripe | undefined;
const receiver = receiversPerTest();

afterEach(async () => {
  await stopListens();
  await fake?.close();
  fake = undefined;
});

describe('listen --thin-to', () => {
  it('in one run: a thin event verified with parseEventNotification at --thin-to, snapshot ones with constructEvent at --forward-to; the recording replays the thin body byte-exact', async () => {
    fake = await startFakeStripe();
    const [snapshots, thins] = [await receiver({ secret: fake.secret }), await receiver({ secret: fake.secret, thin: true })];
    const box = sandbox();
    const cli = startListen(fake.url, ['-f', snapshots.url, '--thin-to', thins.url, '--events', `customer.created,${METER}`, '--record', 'rec.ndjson'], box);
    await cli.waitForLine(/Ctrl\+C to stop/, 'stderr');
    expect(cli.stderr).toEqual(expect.arrayContaining([`Ready — forwarding to ${snapshots.url}`, `  thin events to ${thins.url}`, `  events: customer.created, ${METER}`]));
    expect(fake.sessions.map((session) => session.features.join(',')).sort()).toEqual(['v2_events', 'webhooks']);

    const thin = fake.emitThin(METER);
    const snapshot = fake.emit('customer.created');
    const [thinLine, snapshotLine] = [await cli.waitForLine(new RegExp(thin.id)), await cli.waitForLine(new RegExp(snapshot.id))];
    expect(thinLine).toMatch(new RegExp(`${METER.replaceAll('.', '\\.')} +${thin.id} +200`));
    expect(snapshotLine).toMatch(/customer\.created +evt_\w+ +200/);
    const thinDelivery = await thins.waitFor(METER);
    expect(thinDelivery).toMatchObject({ verified: true, event: { id: thin.id, object: 'v2.core.event' } });
    expect(thinDelivery.rawBody).toBe(fake.deliveries.find((d) => d.eventId === thin.id)?.payload);
    expect(await snapshots.waitFor('customer.created')).toMatchObject({ verified: true, event: { id: snapshot.id, object: 'event' } });
    expect([snapshots.deliveries.length, thins.deliveries.length]).toEqual([1, 1]);
    expect((await fake.waitForResponse(thin.id)).status).toBe(200);

    cli.child.kill('SIGINT');
    expect((await cli.child).exitCode).toBe(130);
    expect(`${cli.stdout.join('\n')}\n${cli.stderr.join('\n')}`).not.toMatch(/deprecat/i);
    const recorded = readRecording(join(box.cwd, 'rec.ndjson'));
    expect(recorded.map((event) => event.id).sort()).toEqual([thin.id, snapshot.id].sort());
    expect(recorded.find((event) => event.id === thin.id)?.body).toBe(thinDelivery.rawBody);
    expect(recorded.map((event) => [event.id, event.url])).toEqual(expect.arrayContaining([[thin.id, thins.url], [snapshot.id, snapshots.url]])); // where each went

    const secret = 'whsec_theThinAppsSecretForTheReplay01';
    const replayTo = await receiver({ secret, thin: true });
    const replay = await runCli(['replay', 'rec.ndjson', '--only', 'v1.*', '--forward-to', replayTo.url, '--json'], { box, env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(replay.exitCode, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ ok: true, mode: 'replay', steps: [{ event: METER, status: 200 }] });
    expect(replayTo.deliveries).toHaveLength(1);
    expect(replayTo.deliveries[0]).toMatchObject({ verified: true, rawBody: thinDelivery.rawBody, event: { id: thin.id } });
  });

  it('--json: ready names --thin-to and --events-from, a thin delivery says thin; --verbose shows two stripe listen and no deprecation warning', async () => {
    fake = await startFakeStripe();
    const [snapshots, thins] = [await receiver({ secret: fake.secret }), await receiver({ secret: fake.secret, thin: true })];
    const cli = startListen(fake.url, ['--json', '--verbose', '-f', snapshots.url, '--thin-to', thins.url, '--events', 'customer.created', '--events-from', '@self']);
    const ready = JSON.parse(await cli.waitForLine(/"kind":"ready"/)) as Record<string, unknown>;
    expect(ready).toMatchObject({ secret: `whsec_…${fake.secret.slice(-4)}`, forwardTo: snapshots.url, thinTo: thins.url, eventsFrom: '@self' });
    expect(ready.thinSecret).toBeUndefined();
    const started = cli.stderr.filter((line) => /stripe listen started/.test(line));
    expect(started).toHaveLength(2);
    expect(started.join('\n')).toMatch(/--events customer\.created --events-from @self/);
    expect(started.join('\n')).toMatch(/\/thin --all-thin --events-from @self/); // no --forward-connect-to with @self: 1.52 refuses it

    const thin = fake.emitThin(METER);
    expect(await deliveryLine(cli, thin.id)).toMatchObject({ kind: 'delivery', type: METER, thin: true, url: thins.url, status: 200, connect: false });
    const snapshot = fake.emit('customer.created');
    expect((await deliveryLine(cli, snapshot.id)).thin).toBeUndefined();
    expect(cli.stderr.join('\n')).not.toMatch(/deprecat/i); // --verbose logs every line the Stripe CLIs print
  });

  it('a thin session with a secret of its own: each kind admitted with its own, both in --dotenv, the thin one shown masked', async () => {
    const thinSecret = 'whsec_aThinSessionsOwnSecret000000001';
    fake = await startFakeStripe({ secretFor: (features) => (features.includes('v2_events') ? thinSecret : undefined) });
    const [snapshots, thins] = [await receiver({ secret: fake.secret }), await receiver({ secret: thinSecret, thin: true })];
    const box = sandbox();
    const cli = startListen(fake.url, ['-f', snapshots.url, '--thin-to', thins.url, '--events', 'customer.created', '--dotenv', '.env'], box);
    await cli.waitForLine(/Ctrl\+C to stop/, 'stderr');
    expect(cli.stderr).toContain(`  thin events signed with another secret, whsec_…${thinSecret.slice(-4)}, written as STRIPE_WEBHOOK_SECRET_THIN`);
    expect(readFileSync(join(box.cwd, '.env'), 'utf8')).toBe(`STRIPE_WEBHOOK_SECRET=${fake.secret}\nSTRIPE_WEBHOOK_SECRET_THIN=${thinSecret}\n`);
    const thin = fake.emitThin(METER);
    const snapshot = fake.emit('customer.created');
    expect(await cli.waitForLine(new RegExp(thin.id))).toMatch(/ 200 /);
    expect(await cli.waitForLine(new RegExp(snapshot.id))).toMatch(/ 200 /);
    expect([(await thins.waitFor(METER)).verified, (await snapshots.waitFor('customer.created')).verified]).toEqual([true, true]);
  });

  it("--route 'v1.billing.*=URL' alone reaches thin events (all of them are listened for)", async () => {
    fake = await startFakeStripe();
    const [snapshots, meters] = [await receiver({ secret: fake.secret }), await receiver({ secret: fake.secret, thin: true })];
    const cli = startListen(fake.url, ['--json', '-f', snapshots.url, '--route', `v1.billing.*=${meters.url}`, '--events', 'customer.created']);
    await cli.waitForLine(/"kind":"ready"/);
    const thin = fake.emitThin('v1.billing.meter.error_report_triggered');
    expect(await deliveryLine(cli, thin.id)).toMatchObject({ thin: true, url: meters.url, status: 200 });
    expect((await meters.waitFor('v1.billing.meter.error_report_triggered')).verified).toBe(true);
  });

  it('--events-from @accounts is shown at Ready and leaves your own account\'s events out', async () => {
    fake = await startFakeStripe();
    const app = await receiver({ secret: fake.secret });
    const cli = startListen(fake.url, ['-f', app.url, '--events', 'customer.created', '--events-from', '@accounts']);
    await cli.waitForLine(/Ctrl\+C to stop/, 'stderr');
    expect(cli.stderr).toContain('  from connected accounts only (--events-from @accounts)');
    const own = fake.emit('customer.created');
    await fake.waitForAck(own.id);
    const connected = fake.emit({ type: 'customer.created', account: 'acct_1Connected' });
    expect(await cli.waitForLine(new RegExp(connected.id))).toMatch(/ 200 /);
    expect(app.deliveries.map((d) => d.event?.id)).toEqual([connected.id]);
  });

  it.each([
    [['--events-from', '@me'], '--events-from "@me" is not @self, @accounts or all'],
    [['--thin-to', 'ftp://x'], '--thin-to "ftp://x" must be an http(s) URL'],
    [['--events-from', '@self', '--forward-connect-to', '4000'], '--forward-connect-to and --events-from @self cannot be combined: @self leaves Connect events out'],
    [['--events', 'v1.Billing'], '--events: "v1.Billing" is not an event type'],
  ])('%j is one usage line, nothing started', async (args, message) => {
    const result = await runCli(['listen', ...args, '--api-base', 'http://127.0.0.1:9'], { box: sandbox() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`error ${message}`);
  });
});
