/**
 * Thin events offline, end to end: the built CLI (`trigger`, `trigger-flow --offline --audit --record`, `replay`)
 * and the library (deliverFlow, deliverEvent, auditHandler) against an app that verifies thin events with the SDK's
 * `parseEventNotification`, and against the handlers that get them wrong (test/support/thin-app.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditHandler, deliverEvent, deliverFlow, synthesizeEvents, type AuditReport, type Flow, type FlowReport, type ThinEvent } from '../../src/index.js';
import { runCli, sandbox, tempDir } from '../support/cli.js';
import { readRecording } from '../support/recording.js';
import { thinAppsPerTest } from '../support/thin-app.js';
import { rejection } from './api-support.js';

const secret = 'whsec_thinOfflineEvents0123456789ab';
const thinApp = thinAppsPerTest(secret);
const withSecret = { env: { STRIPE_WEBHOOK_SECRET: secret } };
const METERS = 'name: meters\nsteps:\n  - v1.billing.meter.error_report_triggered\n  - v1.billing.meter.no_meter_found\n  - v2.core.account[requirements].updated\n';
const failed = (report: AuditReport) => report.checks.filter((check) => !check.ok).map((check) => check.name);
const fixOf = (report: AuditReport, name: string) => report.checks.find((check) => check.name === name)?.fix;

function flowFile(text: string) {
  const box = sandbox();
  writeFileSync(join(box.cwd, 'flow.yaml'), text);
  return box;
}

describe('the CLI sends thin events offline', () => {
  it('trigger <thin type> --offline: one thin body, signed as Stripe signs, with Stripe\'s headers, verified by parseEventNotification', async () => {
    const app = await thinApp();
    const run = await runCli(['--json', 'trigger', 'v1.billing.meter.error_report_triggered', '--offline', '--forward-to', app.url, '--seed', '3'], withSecret);
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as FlowReport;
    expect(report).toMatchObject({ ok: true, mode: 'offline', steps: [{ event: 'v1.billing.meter.error_report_triggered', status: 200, ok: true }] });
    expect(report.apiVersion).toBeUndefined(); // thin events are unversioned
    const [delivery] = app.deliveries;
    expect(delivery).toMatchObject({ verified: true, event: { object: 'v2.core.event', type: 'v1.billing.meter.error_report_triggered', id: report.steps[0]!.eventId } });
    expect(delivery!.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'stripe-signature': expect.stringMatching(/^t=\d+,v1=[0-9a-f]{64}$/) });
    const body = JSON.parse(delivery!.rawBody) as ThinEvent;
    expect(body.related_object).toEqual({ id: expect.stringMatching(/^mtr_/), type: 'billing.meter', url: `/v1/billing/meters/${(body.related_object as { id: string }).id}` });
    expect(body.created).toMatch(/Z$/);

    const dry = await runCli(['trigger', 'v1.billing.meter.error_report_triggered', '--offline', '--forward-to', app.url, '--dry-run', '--seed', '3'], withSecret);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n')[0]).toBe(`POST ${app.url}, signed, one at a time:`); // no api_version: thin events have none
    expect(dry.stdout).toContain(`${report.steps[0]!.eventId}  ${body.related_object && 'id' in body.related_object ? body.related_object.id : '?'}`);
  });

  it('a misspelt thin type is refused with the closest one; a snapshot-shaped name of a thin event gets its v1. name', async () => {
    const typo = await runCli(['trigger', 'v1.billing.meter.eror_report_triggered', '--offline'], withSecret);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('error unknown event type "v1.billing.meter.eror_report_triggered"\nhint  did you mean "v1.billing.meter.error_report_triggered"?');
    const bare = await runCli(['trigger', 'billing.meter.no_meter_found', '--offline'], withSecret);
    expect(bare.exitCode).toBe(2);
    expect(bare.stderr).toContain('hint  did you mean "v1.billing.meter.no_meter_found"? (a thin event)');
    const box = flowFile('steps:\n  - v2.core.acount.created\n');
    const file = await runCli(['trigger-flow', '--file', 'flow.yaml', '--offline', '--dry-run'], { box, ...withSecret });
    expect(file.exitCode).toBe(2);
    expect(file.stderr).toMatch(/flow\.yaml:2:\d+: flow "flow" step 1: unknown event type "v2\.core\.acount\.created"\nhint  did you mean "v2\.core\.account\.created"\?/);
  });

  it('a thin flow passes against a verifying app and its audit too, and --record keeps it for replay, which sends it again verified', async () => {
    const app = await thinApp();
    const box = flowFile(METERS);
    const run = await runCli(['--json', 'trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', app.url, '--audit', '--record', 'thin.ndjson'], { box, ...withSecret });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as FlowReport & { audit: AuditReport };
    expect(report.ok).toBe(true);
    expect(report.audit).toMatchObject({ ok: true, sample: { type: 'v1.billing.meter.error_report_triggered', from: 'the first event of flow meters' } });
    expect(report.audit.checks.find((check) => check.name === 'tampered')!.title).toBe('body changed after signing (related_object.id changed)');
    expect(app.deliveries.every((delivery) => delivery.status === 200 ? delivery.verified : !delivery.verified)).toBe(true);

    const recorded = readRecording(join(box.cwd, 'thin.ndjson'));
    expect(recorded.map((line) => [line.id, line.type])).toEqual(report.steps.map((step) => [step.eventId, step.event]));
    expect(recorded.every((line) => line.id.startsWith('evt_test_') && !line.livemode && JSON.parse(line.body).object === 'v2.core.event')).toBe(true);

    const replayed = await thinApp();
    const replay = await runCli(['--json', 'replay', 'thin.ndjson', '--forward-to', replayed.url, '--audit'], { box, ...withSecret });
    expect(replay.exitCode, replay.stderr).toBe(0);
    expect(replayed.deliveries.slice(0, 3).map((delivery) => [delivery.verified, delivery.rawBody])).toEqual(recorded.map((line) => [true, line.body]));
    // replay --audit audits the thin handler with copies of the first recorded event
    expect((JSON.parse(replay.stdout) as { audit: AuditReport }).audit).toMatchObject({ ok: true, sample: { type: 'v1.billing.meter.error_report_triggered', from: expect.stringMatching(/thin\.ndjson:1$/) } });
  });

  it('the audit flags a thin handler that skips verification, and one that verifies with constructEvent', async () => {
    const box = flowFile(METERS);
    const careless = await thinApp('skip');
    const skipped = await runCli(['--json', 'trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', careless.url, '--audit'], { box, ...withSecret });
    expect(skipped.exitCode).toBe(1);
    const audit = (JSON.parse(skipped.stdout) as { audit: AuditReport }).audit;
    expect(failed(audit)).toEqual(['unsigned', 'wrong-secret', 'stale', 'tampered']);
    expect(fixOf(audit, 'unsigned')).toBe('accepted an event without a Stripe-Signature header: verify every request with stripe.parseEventNotification(rawBody, signature, secret) and answer 400 when it throws');
    expect(fixOf(audit, 'stale')).toContain("keep parseEventNotification's default 300 s tolerance");

    const construct = await thinApp('construct');
    const refused = await runCli(['trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', construct.url, '--audit'], { box, ...withSecret });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain('fix signed: refused a correctly signed event (400): verify with the same secret the events are signed with, over the raw request body, with stripe.parseEventNotification (constructEvent refuses thin events)');
  });

  it('a flow mixes snapshot and thin steps in one story, sent to one URL', async () => {
    const app = await thinApp('both');
    const box = flowFile('name: metered\nsteps:\n  - billing.meter.created\n  - v1.billing.meter.error_report_triggered\n  - customer.created\n  - v1.billing.meter.no_meter_found\n');
    const run = await runCli(['--json', 'trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', app.url, '--shuffle', '--duplicate', '--seed', '9'], { box, ...withSecret });
    expect(run.exitCode, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as FlowReport).apiVersion).toBeDefined(); // the snapshot events have one
    expect(app.deliveries).toHaveLength(8);
    expect(app.deliveries.every((delivery) => delivery.verified)).toBe(true);
    const meter = app.deliveries.map((d) => d.event!).find((event) => event.type === 'billing.meter.created') as { data: { object: { id: string } } } | undefined;
    const thin = app.deliveries.map((d) => d.event!).find((event) => event.type === 'v1.billing.meter.error_report_triggered') as { related_object: { id: string } } | undefined;
    expect(thin!.related_object.id).toBe(meter!.data.object.id);
  });
});

describe('the library sends thin events offline', () => {
  const meters: Flow = { name: 'meters', description: '', source: 'test', steps: [{ event: 'v1.billing.meter.error_report_triggered' }, { event: 'v1.billing.meter.no_meter_found' }] };

  it('deliverFlow and auditHandler take a thin flow: the verifying app passes both, the careless one is flagged', async () => {
    const app = await thinApp();
    expect(await deliverFlow({ flow: meters, url: app.url, secret })).toMatchObject({ ok: true, steps: [{ ok: true }, { ok: true }] });
    expect(await auditHandler({ flow: meters, url: app.url, secret })).toMatchObject({ ok: true, sample: { type: 'v1.billing.meter.error_report_triggered' } });
    const careless = await thinApp('skip');
    const audit = await auditHandler({ flow: meters, url: careless.url, secret });
    expect(failed(audit)).toEqual(['unsigned', 'wrong-secret', 'stale', 'tampered']);
    expect(fixOf(audit, 'wrong-secret')).toBe("accepted a forged event: verify with stripe.parseEventNotification on the raw body, with your endpoint's signing secret");
  });

  it('deliverEvent sends a thin type or a given thin event, an id override reaching its reference, and records it', async () => {
    const app = await thinApp();
    const record = join(tempDir(), 'one.ndjson');
    const one = await deliverEvent({ type: 'v1.billing.meter.error_report_triggered', overrides: ['billing.meter:id=mtr_mine'], url: app.url, secret, record });
    expect(one).toMatchObject({ ok: true, record: { recorded: 1 } });
    expect(app.deliveries[0]!.event).toMatchObject({ related_object: { id: 'mtr_mine', url: '/v1/billing/meters/mtr_mine' } });
    expect(readRecording(record).map((line) => line.type)).toEqual(['v1.billing.meter.error_report_triggered']);

    const [given] = (await synthesizeEvents({ flow: meters, seed: 4 })) as ThinEvent[];
    const sent = await deliverEvent({ event: given as unknown as Record<string, unknown>, url: app.url, secret });
    expect(sent).toMatchObject({ ok: true, steps: [{ event: 'v1.billing.meter.error_report_triggered', eventId: given!.id }] });
    expect(app.deliveries[1]).toMatchObject({ verified: true, event: { id: given!.id } });

    const refused = await rejection(deliverEvent({ type: 'v1.billing.meter.error_report_triggered', overrides: ['billing.meter:display_name=x'], url: app.url, secret }));
    expect(refused).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE', message: expect.stringContaining('a thin event carries only a reference to its billing.meter') });
    expect(app.deliveries).toHaveLength(2);
  });
});
