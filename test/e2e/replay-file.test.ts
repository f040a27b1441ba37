/**
 * `replay` before and around the sending: --dry-run, a malformed or missing recording (exit 2,
 * file:line, nothing sent), the secret's UX, --audit with a recorded event, and a recording
 * used as a flow file (`trigger-flow --file rec.ndjson --offline`).
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startApp, type App } from '../support/app.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { expectUsageError, onlyJson, replay, TYPES, writeRecording } from './replay-support.js';

const secret = 'whsec_replayE2eSecretNotTheRecorders01';
let receiver: Receiver | undefined;
let sloppy: App | undefined;

afterEach(async () => {
  await receiver?.close();
  await sloppy?.close();
  receiver = sloppy = undefined;
});

describe('replay: the recording and the run around it', () => {
  it('--dry-run lists id, type, line and order, needs no secret, and sends nothing', async () => {
    receiver = await startReceiver({ secret });
    const recorded = writeRecording((lines) => ['\n', ...lines]);
    const human = await replay(recorded, ['--forward-to', receiver.url, '--dry-run', '--only', 'invoice.*']);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toContain(`POST ${receiver.url}, re-signed, one at a time:`);
    expect(human.stdout).toMatch(new RegExp(`^1\\s+invoice\\.created\\s+${recorded.events[1]!.id}\\s+3$`, 'm'));
    expect(human.stdout).toContain('dry run: nothing sent');
    expect(human.stderr).toBe('');
    const json = onlyJson((await replay(recorded, ['--forward-to', receiver.url, '--dry-run', '--shuffle', '--seed', '5', '--duplicate', '--json'])).stdout);
    expect(json).toMatchObject({ flow: 'rec.ndjson', mode: 'replay', forwardTo: receiver.url, copies: 2, seed: 5 });
    expect(new Set(json.events!.map((e) => e.id))).toEqual(new Set(recorded.events.map((e) => e.id)));
    expect(receiver.deliveries).toHaveLength(0);
  });

  it.each([
    ['a line that is not JSON', '{"v":1,"receivedAt":"2026-12-01T10:00:00.000Z","event":"{\\"id', 'error rec.ndjson:3: not a JSON object (is this a stripe-hooks recording?)'],
    ['an event without an evt_ id', `${JSON.stringify({ v: 1, receivedAt: '2026-12-01T10:00:00.000Z', event: '{"id":"ch_1","type":"charge.succeeded"}', headers: {}, answer: { status: 200, ms: 1 } })}\n`, 'error rec.ndjson:3: "event" has no evt_ id'],
  ])('a recording with %s at line 3: exit 2 naming rec.ndjson:3, nothing sent', async (_what, bad, message) => {
    receiver = await startReceiver({ secret });
    const recorded = writeRecording((lines) => [lines[0]!, lines[1]!, bad.endsWith('\n') ? bad : `${bad}\n`, ...lines.slice(2)]);
    const result = await replay(recorded, ['--forward-to', receiver.url], { STRIPE_WEBHOOK_SECRET: secret });
    expectUsageError(result, message);
    expect(result.stderr).toContain('hint  a recording is NDJSON v1');
    expect(receiver.deliveries).toHaveLength(0);
  });

  it('--audit with a sample nested 200,000 levels deep: exit 2 naming its line, before anything is sent', async () => {
    receiver = await startReceiver({ secret });
    const deep = `{"id":"evt_deep","object":"event","type":"charge.succeeded","data":{"object":{"id":"ch_1","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}}}`;
    const line = `${JSON.stringify({ v: 1, receivedAt: '2026-12-01T10:00:00.000Z', event: deep, headers: {}, answer: { status: 200, ms: 1 } })}\n`;
    const recorded = writeRecording((lines) => [lines[0]!, line, ...lines.slice(1)]);
    const result = await replay(recorded, ['--forward-to', receiver.url, '--audit', '--since', 'evt_deep'], { STRIPE_WEBHOOK_SECRET: secret });
    expectUsageError(result, "error rec.ndjson:2: the event nests deeper than 64 levels, too deep to audit with (Stripe's events nest about 10)");
    expect(receiver.deliveries).toHaveLength(0);
  });

  it('a recorded redelivery (the same id on a later line) is sent once and said so', async () => {
    receiver = await startReceiver({ secret });
    const recorded = writeRecording((lines) => [...lines, lines[1]!]);
    const result = await replay(recorded, ['--forward-to', receiver.url], { STRIPE_WEBHOOK_SECRET: secret });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(receiver.deliveries.map((d) => d.event!.id)).toEqual(recorded.events.map((e) => e.id));
    expect(result.stderr).toContain('1 recorded redelivery of an event already in rec.ndjson left out');
  });

  it('a missing recording, or a directory: one line, exit 2', async () => {
    const recorded = writeRecording();
    expectUsageError(await runCli(['replay', 'nope.ndjson'], { box: recorded.box }), 'error recording nope.ndjson not found');
    expectUsageError(await runCli(['replay', '.'], { box: recorded.box }), /^error .+ is a directory, not a recording$/);
  });

  it('with no secret, generates one and says so (as trigger-flow --offline does); --secret warns about ps', async () => {
    receiver = await startReceiver({ secret });
    const recorded = writeRecording();
    const generated = await replay(recorded, ['--forward-to', receiver.url]);
    expect(generated.exitCode).toBe(1); // the app does not know the generated secret
    expect(generated.stderr).toMatch(/no signing secret given: generated whsec_\w+ for this run/);
    expect(generated.stderr).toContain('the app may not know the generated secret yet');
    const flagged = await replay(recorded, ['--forward-to', receiver.url, '--secret', secret]);
    expect(flagged.exitCode).toBe(0);
    expect(flagged.stderr).toContain('--secret puts the secret where ps can see it');
  });

  it('--audit audits the handler with the first chosen recorded event (fresh ids), after the replay', async () => {
    receiver = await startReceiver({ secret });
    const recorded = writeRecording();
    const result = await replay(recorded, ['--forward-to', receiver.url, '--audit', '--only', 'payment_intent.*', '--json'], { STRIPE_WEBHOOK_SECRET: secret });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = onlyJson(result.stdout);
    expect(report.audit).toMatchObject({ ok: true });
    expect(report.audit!.checks).toHaveLength(7);
    const audited = receiver.deliveries.slice(1).filter((d) => d.verified);
    expect(audited.every((d) => d.event!.type === 'payment_intent.succeeded' && d.event!.id !== recorded.events[3]!.id)).toBe(true);
    expect(audited.map((d) => (d.event!.data as { object: { description: string } }).object.description)).toContain('Café ☕ — 日本 𝄞');

    // A handler that verifies nothing: the tampered copy of a customer event changes its object's id.
    sloppy = await startApp();
    const careless = await replay(recorded, ['--forward-to', sloppy.url(), '--audit'], { STRIPE_WEBHOOK_SECRET: secret });
    expect(careless.exitCode).toBe(1);
    expect(careless.stdout).toContain('body changed after signing (data.object.id changed)');
    expect(careless.stderr).toContain('error replay of rec.ndjson: 4 audit checks failed');
  });

  it('a recording is a flow file: trigger-flow --file rec.ndjson --offline sends fresh events of its types; live mode refuses it', async () => {
    receiver = await startReceiver({ secret });
    const recorded = writeRecording();
    const run = await runCli(['trigger-flow', '--file', 'rec.ndjson', '--offline', '--forward-to', receiver.url, '--repeat', '2', '--json'], {
      box: recorded.box,
      env: { STRIPE_WEBHOOK_SECRET: secret },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = onlyJson(run.stdout);
    expect(report).toMatchObject({ flow: 'rec.ndjson', ok: true, mode: 'offline' });
    expect(receiver.deliveries.map((d) => d.event!.type)).toEqual([...TYPES, ...TYPES]);
    expect(receiver.deliveries.every((d) => d.verified)).toBe(true);
    const recordedIds = new Set(recorded.events.map((e) => e.id));
    expect(receiver.deliveries.some((d) => recordedIds.has(d.event!.id))).toBe(false);

    const renamed = writeRecording();
    renameSync(join(renamed.box.cwd, 'rec.ndjson'), join(renamed.box.cwd, 'events.log'));
    const byContent = await runCli(['trigger-flow', '--file', 'events.log', '--offline', '--forward-to', receiver.url], { box: renamed.box, env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(byContent.exitCode, byContent.stderr).toBe(0);
    expect(byContent.stdout).toContain('events.log: all 6 steps passed');
    const broken = writeRecording((lines) => ['{"v":1,"event":"{}"}\n', ...lines]);
    expectUsageError(await runCli(['trigger-flow', '--file', 'rec.ndjson', '--offline'], { box: broken.box }), 'error rec.ndjson:1: "event" has no evt_ id');

    const list = await runCli(['trigger-flow', '--file', 'rec.ndjson', '--list', '--json'], { box: recorded.box });
    expect((JSON.parse(list.stdout) as { flows: { name: string }[] }).flows[0]).toMatchObject({ name: 'rec.ndjson' });
    const live = await runCli(['trigger-flow', '--file', 'rec.ndjson'], { box: recorded.box, env: { STRIPE_API_KEY: 'sk_test_123' } });
    expectUsageError(live, 'error rec.ndjson is a recording: live mode cannot trigger its events');
    expect(live.stderr).toContain('hint  add --offline for fresh events of its types, or run `stripe-hooks replay rec.ndjson`');
  });
});
