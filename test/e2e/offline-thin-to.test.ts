/**
 * Offline `--thin-to` (issue #24): an app with two endpoints, as Stripe's two kinds of destination make it, each with
 * its own secret: snapshot events verified with `constructEvent` at one URL, thin ones with `parseEventNotification`
 * at another. The built CLI (`trigger-flow --offline`, `trigger --offline`, `replay`) sends each kind to its URL,
 * signed with its secret (`--thin-secret`, or STRIPE_WEBHOOK_SECRET_THIN beside STRIPE_WEBHOOK_SECRET in --dotenv or
 * the environment), audits a thin sample there, and says where each event went: the report, --json, --record's
 * lines, --dry-run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/offline/audit.js';
import type { FlowReport } from '../../src/run/report.js';
import { auditHandler, deliverEvent, deliverFlow, replay, type Flow } from '../../src/index.js';
import { runCli, sandbox, tempDir, type Sandbox } from '../support/cli.js';
import { receiversPerTest } from '../support/receiver.js';
import { readRecording } from '../support/recording.js';
import { rejection } from './api-support.js';

const SNAPSHOT_SECRET = 'whsec_snapshotEndpointSecret0123456789';
const THIN_SECRET = 'whsec_thinEndpointsOwnSecret0123456789';
const METER = 'v1.billing.meter.error_report_triggered';
const MIXED = `name: metered\nsteps:\n  - billing.meter.created\n  - ${METER}\n  - customer.created\n  - v1.billing.meter.no_meter_found\n`;
const receiver = receiversPerTest();

/** The app's two endpoints: /webhook (constructEvent) and /webhook/thin (parseEventNotification), each its own secret. */
async function twoEndpoints(thinSecret = THIN_SECRET) {
  return { snapshots: await receiver({ secret: SNAPSHOT_SECRET }), thins: await receiver({ secret: thinSecret, thin: true }) };
}

function withFlow(text = MIXED, env: NodeJS.ProcessEnv = {}): Sandbox {
  const box = sandbox(env);
  writeFileSync(join(box.cwd, 'flow.yaml'), text);
  return box;
}

const kinds = (deliveries: { event?: { object?: unknown; type: string }; verified: boolean }[]) => deliveries.map((d) => [d.event?.type, d.event?.object, d.verified]);

describe('trigger-flow --offline --thin-to', () => {
  it('each kind to its own endpoint, signed with its own secret from --dotenv; the report, --json and --record say where each went', async () => {
    const { snapshots, thins } = await twoEndpoints();
    const box = withFlow();
    writeFileSync(join(box.cwd, '.env'), `STRIPE_WEBHOOK_SECRET=${SNAPSHOT_SECRET}\nSTRIPE_WEBHOOK_SECRET_THIN=${THIN_SECRET}\n`);
    const args = ['trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', snapshots.url, '--thin-to', thins.url, '--dotenv', '.env', '--seed', '5'];
    const run = await runCli(['--json', ...args, '--record', 'rec.ndjson'], { box });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(kinds(snapshots.deliveries)).toEqual([['billing.meter.created', 'event', true], ['customer.created', 'event', true]]);
    expect(kinds(thins.deliveries)).toEqual([[METER, 'v2.core.event', true], ['v1.billing.meter.no_meter_found', 'v2.core.event', true]]);
    const report = JSON.parse(run.stdout) as FlowReport;
    expect(report.steps.map((step) => [step.event, step.url, step.ok])).toEqual([
      ['billing.meter.created', snapshots.url, true],
      [METER, thins.url, true],
      ['customer.created', snapshots.url, true],
      ['v1.billing.meter.no_meter_found', thins.url, true],
    ]);
    // The thin event still points at the story's meter, across the two endpoints.
    const meter = snapshots.deliveries[0]!.event as unknown as { data: { object: { id: string } } };
    expect((thins.deliveries[0]!.event as unknown as { related_object: { id: string } }).related_object.id).toBe(meter.data.object.id);
    expect(readRecording(join(box.cwd, 'rec.ndjson')).map((line) => [line.type, line.url])).toEqual(report.steps.map((step) => [step.event, step.url]));
    expect(run.stdout + run.stderr).not.toContain(THIN_SECRET);

    const human = await runCli(args, { box });
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^step +event +trigger +evt id +to +status +ms +result$/m);
    expect(human.stdout).toMatch(new RegExp(`^2 +${METER.replaceAll('.', '\\.')} +- +evt_test_\\w+ +${thins.url} +200 `, 'm'));
  });

  it('--dry-run shows where each event would go; --json names thinTo', async () => {
    const box = withFlow();
    const dry = await runCli(['trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', 'localhost:4242/webhook', '--thin-to', 'localhost:4242/webhook/thin', '--dry-run'], { box });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n')[0]).toMatch(/^POST http:\/\/localhost:4242\/webhook \(thin events to http:\/\/localhost:4242\/webhook\/thin\), signed, one at a time, api_version /);
    expect(dry.stdout).toMatch(/^2 +v1\.billing\.meter\.error_report_triggered +evt_test_\w+ +mtr_\w+ +http:\/\/localhost:4242\/webhook\/thin$/m);
    expect(dry.stdout).toMatch(/^3 +customer\.created +evt_\w+ +cus_\w+ +http:\/\/localhost:4242\/webhook$/m);
    const json = await runCli(['--json', 'trigger-flow', '--file', 'flow.yaml', '--offline', '--thin-to', '4343', '--dry-run'], { box });
    expect(JSON.parse(json.stdout)).toMatchObject({ forwardTo: 'http://localhost:4242/webhook', thinTo: 'http://localhost:4343/' });
  });

  it('thin events signed with the run\'s secret when no thin one is given; --thin-secret is warned about and never shown', async () => {
    const same = await twoEndpoints(SNAPSHOT_SECRET);
    const box = withFlow(MIXED, { STRIPE_WEBHOOK_SECRET: SNAPSHOT_SECRET });
    const run = await runCli(['trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', same.snapshots.url, '--thin-to', same.thins.url], { box });
    expect(run.exitCode, run.stderr).toBe(0);
    expect([...same.snapshots.deliveries, ...same.thins.deliveries].every((d) => d.verified)).toBe(true);
    expect(same.thins.deliveries).toHaveLength(2);

    const own = await twoEndpoints();
    const flagged = await runCli(['--json', 'trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', own.snapshots.url, '--thin-to', own.thins.url, '--thin-secret', THIN_SECRET], { box });
    expect(flagged.exitCode, flagged.stderr).toBe(0);
    expect(flagged.stderr).toContain('warning --thin-secret puts the secret where ps can see it for the whole run; set STRIPE_WEBHOOK_SECRET_THIN or use --dotenv instead');
    expect(flagged.stdout + flagged.stderr).not.toContain(THIN_SECRET);
    expect(own.thins.deliveries.map((d) => d.verified)).toEqual([true, true]);
  });

  it('--audit of a flow that starts thin audits the thin endpoint, with the thin secret from the environment', async () => {
    const { snapshots, thins } = await twoEndpoints();
    const box = withFlow(`steps: [${METER}, customer.created]\n`, { STRIPE_WEBHOOK_SECRET: SNAPSHOT_SECRET, STRIPE_WEBHOOK_SECRET_THIN: THIN_SECRET });
    const run = await runCli(['--json', 'trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', snapshots.url, '--thin-to', thins.url, '--audit'], { box });
    expect(run.exitCode, run.stderr).toBe(0);
    const { audit } = JSON.parse(run.stdout) as { audit: AuditReport };
    expect(audit).toMatchObject({ url: thins.url, ok: true, sample: { type: METER } });
    expect(snapshots.deliveries).toHaveLength(1); // the flow's customer.created only: the audit's copies went to the thin endpoint
    expect(thins.deliveries.filter((d) => d.status === 200).length).toBeGreaterThanOrEqual(3); // the step, signed, duplicate ×2
  });

  it('a thin endpoint that refuses its events: the hint names the thin secret, where it came from and --thin-secret', async () => {
    const { snapshots, thins } = await twoEndpoints('whsec_theThinEndpointVerifiesWithThis0');
    const box = withFlow(MIXED, { STRIPE_WEBHOOK_SECRET: SNAPSHOT_SECRET, STRIPE_WEBHOOK_SECRET_THIN: THIN_SECRET });
    const run = await runCli(['trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', snapshots.url, '--thin-to', thins.url], { box });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`hint  the app answered 400 to events signed with whsec_…${THIN_SECRET.slice(-4)} (from STRIPE_WEBHOOK_SECRET_THIN): if the app verifies with another secret, give it this one, or pass the one it uses with --thin-secret`);
  });

  it.each([
    [['--thin-secret', ' '], '--thin-secret is empty'],
    [['--thin-secret', 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'], 'the signing secret from --thin-secret looks like an API key (sk_…); signing secrets start with whsec_'],
    [['--thin-to', 'ftp://x'], '--thin-to "ftp://x" must be an http(s) URL'],
    [['--events-from', '@self'], '--events-from and --offline cannot be combined'],
  ])('%j is one usage line, nothing sent', async (args, message) => {
    const run = await runCli(['trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', 'http://127.0.0.1:9/x', ...args], { box: withFlow(MIXED, { STRIPE_WEBHOOK_SECRET: SNAPSHOT_SECRET }) });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(`error ${message}`);
  });
});

describe('trigger --offline --thin-to', () => {
  it('a thin type goes to --thin-to, a snapshot one to --forward-to, each signed with its own secret', async () => {
    const { snapshots, thins } = await twoEndpoints();
    const env = { STRIPE_WEBHOOK_SECRET: SNAPSHOT_SECRET, STRIPE_WEBHOOK_SECRET_THIN: THIN_SECRET };
    const box = sandbox(env);
    for (const type of [METER, 'customer.created']) {
      const run = await runCli(['--json', 'trigger', type, '--offline', '--forward-to', snapshots.url, '--thin-to', thins.url], { box });
      expect(run.exitCode, run.stderr).toBe(0);
      expect((JSON.parse(run.stdout) as FlowReport).steps).toMatchObject([{ event: type, url: type === METER ? thins.url : snapshots.url, ok: true }]);
    }
    expect(kinds(thins.deliveries)).toEqual([[METER, 'v2.core.event', true]]);
    expect(kinds(snapshots.deliveries)).toEqual([['customer.created', 'event', true]]);
  });
});

describe('replay --thin-to', () => {
  it("a recording's thin events (\"object\": \"v2.core.event\") go to --thin-to and the rest to --forward-to, byte for byte; --dry-run says which; --only 'v1.*' still picks them alone", async () => {
    const record = await twoEndpoints();
    const box = withFlow(MIXED, { STRIPE_WEBHOOK_SECRET: SNAPSHOT_SECRET, STRIPE_WEBHOOK_SECRET_THIN: THIN_SECRET });
    const made = await runCli(['trigger-flow', '--file', 'flow.yaml', '--offline', '--forward-to', record.snapshots.url, '--thin-to', record.thins.url, '--record', 'rec.ndjson'], { box });
    expect(made.exitCode, made.stderr).toBe(0);
    const recorded = readRecording(join(box.cwd, 'rec.ndjson'));

    const { snapshots, thins } = await twoEndpoints();
    const replay = await runCli(['--json', 'replay', 'rec.ndjson', '--forward-to', snapshots.url, '--thin-to', thins.url], { box });
    expect(replay.exitCode, replay.stderr).toBe(0);
    const isThin = (body: string) => (JSON.parse(body) as { object: string }).object === 'v2.core.event';
    expect(thins.deliveries.map((d) => [d.rawBody, d.verified])).toEqual(recorded.filter((line) => isThin(line.body)).map((line) => [line.body, true]));
    expect(snapshots.deliveries.map((d) => [d.rawBody, d.verified])).toEqual(recorded.filter((line) => !isThin(line.body)).map((line) => [line.body, true]));
    expect((JSON.parse(replay.stdout) as FlowReport).steps.map((step) => step.url)).toEqual([snapshots.url, thins.url, snapshots.url, thins.url]);

    const dry = await runCli(['--json', 'replay', 'rec.ndjson', '--forward-to', snapshots.url, '--thin-to', thins.url, '--dry-run'], { box });
    expect(JSON.parse(dry.stdout)).toMatchObject({ forwardTo: snapshots.url, thinTo: thins.url, events: recorded.map((line) => ({ id: line.id, url: isThin(line.body) ? thins.url : snapshots.url })) });
    const human = await runCli(['replay', 'rec.ndjson', '--forward-to', snapshots.url, '--thin-to', thins.url, '--dry-run'], { box });
    expect(human.stdout).toMatch(/^#  event +evt id +line +to$/m);

    const only = await twoEndpoints();
    const alone = await runCli(['replay', 'rec.ndjson', '--only', 'v1.*', '--forward-to', only.thins.url, '--secret', THIN_SECRET], { box });
    expect(alone.exitCode, alone.stderr).toBe(0);
    expect(only.thins.deliveries.map((d) => d.verified)).toEqual([true, true]);
  });
});

describe('the library: thinUrl and thinSecret', () => {
  const metered: Flow = { name: 'metered', description: '', source: 'test', steps: [{ event: 'billing.meter.created' }, { event: METER }, { event: 'customer.created' }] };
  const both = (apps: Awaited<ReturnType<typeof twoEndpoints>>) => ({ url: apps.snapshots.url, secret: SNAPSHOT_SECRET, thinUrl: apps.thins.url, thinSecret: THIN_SECRET });

  it('deliverFlow and deliverEvent send each kind to its URL with its secret, and record where each went; replay does too', async () => {
    const apps = await twoEndpoints();
    const record = join(tempDir(), 'lib.ndjson');
    const report = await deliverFlow({ flow: metered, ...both(apps), record });
    expect(report.steps.map((step) => [step.event, step.url, step.ok])).toEqual([['billing.meter.created', apps.snapshots.url, true], [METER, apps.thins.url, true], ['customer.created', apps.snapshots.url, true]]);
    expect(await deliverEvent({ type: 'v1.billing.meter.no_meter_found', ...both(apps) })).toMatchObject({ ok: true, steps: [{ url: apps.thins.url }] });
    expect(kinds(apps.thins.deliveries)).toEqual([[METER, 'v2.core.event', true], ['v1.billing.meter.no_meter_found', 'v2.core.event', true]]);
    expect(kinds(apps.snapshots.deliveries)).toEqual([['billing.meter.created', 'event', true], ['customer.created', 'event', true]]);
    expect(readRecording(record).map((line) => line.url)).toEqual([apps.snapshots.url, apps.thins.url, apps.snapshots.url]);

    const again = await twoEndpoints();
    expect(await replay({ file: record, ...both(again) })).toMatchObject({ ok: true, steps: [{ url: again.snapshots.url }, { url: again.thins.url }, { url: again.snapshots.url }] });
    expect([...again.snapshots.deliveries, ...again.thins.deliveries].every((d) => d.verified)).toBe(true);
  });

  it('auditHandler of a flow that starts thin audits thinUrl with thinSecret', async () => {
    const apps = await twoEndpoints();
    const audit = await auditHandler({ flow: { ...metered, steps: metered.steps.slice(1) }, ...both(apps) });
    expect(audit).toMatchObject({ url: apps.thins.url, ok: true, sample: { type: METER } });
    expect(apps.snapshots.deliveries).toHaveLength(0);
  });

  it('thinUrl and thinSecret are checked at the boundary, named as the library names them', async () => {
    const base = { flow: metered, url: 'http://127.0.0.1:9/webhook', secret: SNAPSHOT_SECRET };
    expect(await rejection(deliverFlow({ ...base, thinUrl: 'ftp://x' }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE', message: expect.stringMatching(/^thinUrl: 'ftp:\/\/x' must be an http\(s\) URL/) });
    expect(await rejection(deliverFlow({ ...base, thinSecret: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc' }))).toMatchObject({ message: expect.stringContaining('the signing secret from the thinSecret option looks like an API key') });
    expect(await rejection(deliverEvent({ type: METER, url: base.url, secret: SNAPSHOT_SECRET, thinSecret: ' ' }))).toMatchObject({ message: 'thinSecret is empty' });
  });
});
