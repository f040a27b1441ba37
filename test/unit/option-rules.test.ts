/**
 * The option rules that live in core modules, not in the commands: a live trigger-flow's (run/live-options.ts),
 * listen's (listen/options.ts) and --record's (record/policy.ts). Each broken rule is a usage error naming its flags.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { BUILTIN_FLOWS } from '../../src/flows/builtin.js';
import { builtinFlowEvents } from '../../src/flows/events.js';
import { checkListenOptions } from '../../src/listen/options.js';
import { checkRecordOptions } from '../../src/record/policy.js';
import { planLiveRun } from '../../src/run/live-options.js';
import { tempDir } from '../support/cli.js';

const payment = BUILTIN_FLOWS.find((flow) => flow.name === 'payment')!;
const live = { forwardTo: 'localhost:4242/webhook', stepTimeout: 30_000, listen: true };

describe('planLiveRun', () => {
  it('plans the run the options describe', () => {
    const plan = planLiveRun(payment, { ...live, route: ['invoice.*=localhost:4000/billing'], stripeAccount: 'acct_1A2b' }, undefined);
    expect(plan.listen?.routing).toEqual({ forwardTo: 'http://localhost:4242/webhook', routes: [{ glob: 'invoice.*', url: 'http://localhost:4000/billing' }] });
    expect(plan.steps.find((step) => step.args)?.args).toContain('acct_1A2b');
    expect(planLiveRun(payment, { ...live, listen: false }, undefined).listen).toBeNull();
  });

  it.each([
    [{ offlineOnly: '--duplicate' }, '--duplicate works only with --offline'],
    [{ stripeAccount: 'acct_' }, '--stripe-account "acct_" is not an account id'],
    [{ listen: false, route: ['a.*=localhost:1/x'] }, '--route and --no-listen cannot be combined'],
    [{ listen: false, serial: true }, '--serial and --no-listen cannot be combined'],
    [{ listen: false, record: 'events.ndjson' }, '--record and --no-listen cannot be combined'],
    [{ forwardTo: 'ftp://x' }, '--forward-to'],
  ])('%o is a usage error', (options, message) => {
    expect(() => planLiveRun(payment, { ...live, ...options }, undefined)).toThrow(UsageError);
    expect(() => planLiveRun(payment, { ...live, ...options }, undefined)).toThrow(message);
  });
});

describe('checkRecordOptions', () => {
  it('takes --live only with --record; --record goes with --offline too (the run records what it sent)', () => {
    expect(() => checkRecordOptions({ record: 'a.ndjson', live: true })).not.toThrow();
    expect(() => checkRecordOptions({ live: true })).toThrow('--live works only with --record');
    const offline = { record: 'a.ndjson', offline: true };
    expect(() => checkRecordOptions(offline)).not.toThrow();
  });
});

describe('checkListenOptions', () => {
  const given = { forwardTo: 'localhost:4242/webhook', envKey: 'STRIPE_WEBHOOK_SECRET' };
  const cwd = tempDir();

  it('listens to the built-in flows\' events unless told which, and routes as told', async () => {
    expect((await checkListenOptions(given, cwd)).events).toEqual(builtinFlowEvents());
    expect((await checkListenOptions({ ...given, allEvents: true }, cwd)).events).toBe('all');
    expect((await checkListenOptions({ ...given, events: 'invoice.paid, charge.refunded' }, cwd)).events).toEqual(['invoice.paid', 'charge.refunded']);
    expect((await checkListenOptions({ ...given, flow: 'payment' }, cwd)).events).toContain('charge.pending');
    const { routing } = await checkListenOptions({ ...given, forwardConnectTo: 'localhost:4000/connect', route: ['invoice.*=localhost:4001/billing'] }, cwd);
    expect(routing).toEqual({ forwardTo: 'http://localhost:4242/webhook', forwardConnectTo: 'http://localhost:4000/connect', routes: [{ glob: 'invoice.*', url: 'http://localhost:4001/billing' }] });
  });

  it('takes thin types in --events and a flow\'s thin steps; a thin destination with none named listens for every thin event', async () => {
    const meters = tempDir();
    writeFileSync(join(meters, 'stripe-hooks.config.yaml'), 'flows:\n  meters:\n    steps: [customer.created, v1.billing.meter.no_meter_found]\n');
    expect(await checkListenOptions({ ...given, flow: 'meters' }, meters)).toMatchObject({ events: ['customer.created', 'v1.billing.meter.no_meter_found'] });
    expect((await checkListenOptions({ ...given, flow: 'meters' }, meters)).allThin).toBeUndefined();
    expect(await checkListenOptions({ ...given, events: 'invoice.paid', thinTo: '4000' }, cwd)).toMatchObject({ events: ['invoice.paid'], allThin: true, routing: { thinTo: 'http://localhost:4000/' } });
    expect(await checkListenOptions({ ...given, route: ['v1.billing.*=4001'], eventsFrom: '@accounts' }, cwd)).toMatchObject({ allThin: true, eventsFrom: '@accounts' });
    expect((await checkListenOptions({ ...given, route: ['invoice.*=4001'] }, cwd)).allThin).toBeUndefined();
  });

  it.each([
    [{ events: 'v1.billing.meter.no_meter_fund' }, 'unknown event type "v1.billing.meter.no_meter_fund"'],
    [{ eventsFrom: 'self' }, '--events-from "self" is not @self, @accounts or all'],
    [{ header: ['no colon'] }, '--header "no colon" is not "Key: Value"'],
    [{ dotenv: '.env', envKey: 'BAD KEY' }, 'BAD KEY'],
    [{ live: true }, '--live works only with --record'],
    [{ events: 'invoice.draft.paid' }, 'unknown event type "invoice.draft.paid"'],
  ])('%o is a usage error', async (options, message) => {
    const error: unknown = await checkListenOptions({ ...given, ...options }, cwd).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
  });
});
