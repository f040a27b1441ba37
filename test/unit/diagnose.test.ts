/** The hints a failed run ends with, chosen from each step's failure class and status, never its message. */
import { describe, expect, it } from 'vitest';
import { deliveryHint, listenSecret, liveTargets } from '../../src/run/diagnose.js';
import { runFailure } from '../../src/run/outcome.js';
import type { FlowReport, StepResult } from '../../src/run/report.js';
import { signingSecret } from '../../src/offline/secret.js';

const LISTEN_SECRET = 'whsec_0123456789abcdef0123456789abcdef';
const report = (steps: StepResult[], mode: FlowReport['mode'] = 'live'): FlowReport => ({ flow: 'payment', ok: false, mode, steps, sideEffects: [] });
const step = (fields: Partial<StepResult>): StepResult => ({ event: 'invoice.paid', trigger: 'invoice.paid', eventId: 'evt_1', status: null, ms: 3, ok: false, ...fields });
const hintOf = (steps: StepResult[], context: Parameters<typeof runFailure>[1] = {}, mode: FlowReport['mode'] = 'live') => runFailure(report(steps, mode), context)?.hint;

describe('runFailure hints by failure class', () => {
  it('refused, live or offline, whatever the message says: start the app', () => {
    // The live relay's words start differently from the offline ones; the class is the same.
    expect(hintOf([step({ failure: 'refused', error: 'the app is unreachable at http://localhost:4242/webhook: nothing is listening at http://localhost:4242 (ECONNREFUSED)' })]))
      .toBe('start the app, or point --forward-to at it');
    expect(hintOf([step({ failure: 'refused', error: 'anything' })])).toBe('start the app, or point --forward-to at it');
    // Unreachable wins over an earlier step's own hint: nothing else can pass until the app runs.
    expect(hintOf([step({ status: 404, failure: 'status' }), step({ failure: 'refused' })], { forwardTo: 'http://x/' })).toBe('start the app, or point --forward-to at it');
  });

  it('a 400, 401 or 403 to a correctly signed event names the masked secret, where it came from and how to line the app up', () => {
    for (const status of [400, 401, 403]) {
      const hint = hintOf([step({ status, failure: 'status', error: `the app answered ${status}: Bad Request` })], { secret: listenSecret(LISTEN_SECRET) });
      expect(hint).toBe(
        `the app answered ${status} to events signed with the \`stripe listen\` session's secret whsec_…cdef: if the app verifies with another, run \`stripe-hooks listen --dotenv .env\` and restart the app, or give the app that secret`,
      );
      expect(hint).not.toContain(LISTEN_SECRET);
    }
    const given = signingSecret({ value: 'whsec_test_secret_for_this_suite', source: 'STRIPE_WEBHOOK_SECRET in .env', generated: false, stripeShaped: false });
    expect(hintOf([step({ status: 401, failure: 'status' })], { secret: given })).toBe(
      'the app answered 401 to events signed with whsec_…uite (from STRIPE_WEBHOOK_SECRET in .env): if the app verifies with another secret, give it this one, or pass the one it uses with --secret',
    );
    const generated = signingSecret({ value: 'whsec_generatedgeneratedgenerated1234', source: 'generated', generated: true, writtenTo: '.env' });
    expect(hintOf([step({ status: 400, failure: 'status' })], { secret: generated })).toBe(
      'the app answered 400 to events signed with whsec_…1234, generated for this run (written to .env): the app may not know the generated secret yet; give it STRIPE_WEBHOOK_SECRET and run again, or pass the one it uses with --secret',
    );
  });

  it('no secret hint for other statuses, for a status the runner did not class as the answer, or with no secret known', () => {
    const secret = listenSecret(LISTEN_SECRET);
    expect(hintOf([step({ status: 500, failure: 'status' })], { secret })).toBe('the report above says which and why');
    expect(hintOf([step({ status: 400, failure: 'trigger' })], { secret })).toBe('the report above says which and why');
    expect(hintOf([step({ status: 400, failure: 'status' })])).toBe('the report above says which and why');
    expect(runFailure(report([step({ status: 422, failure: 'status' })], 'offline'), { seed: 7 })?.hint).toBe('the report above says which and why; --seed 7 replays the same events');
  });

  it('404 and 405 point at the path, naming the URL and the option that chose it', () => {
    expect(hintOf([step({ status: 404, failure: 'status' })], { forwardTo: 'http://localhost:4242/webhooks' })).toBe(
      'the app has no webhook handler at http://localhost:4242/webhooks (it answered 404): check the path in --forward-to',
    );
    const routing = { forwardTo: 'http://localhost:4242/webhook', routes: [{ glob: 'invoice.*', url: 'http://localhost:4000/billing' }] };
    expect(hintOf([step({ status: 405, failure: 'status' })], { target: liveTargets(routing) })).toBe(
      'the app has no webhook handler at http://localhost:4000/billing (it answered 405): check the path in --route',
    );
    expect(hintOf([step({ event: 'charge.succeeded', status: 404, failure: 'status' })], { target: liveTargets(routing) })).toContain('at http://localhost:4242/webhook (it answered 404): check the path in --forward-to');
    // A thin event went to --thin-to, live (unless a route took it) as offline.
    const thin = step({ event: 'v1.billing.meter.no_meter_found', status: 404, failure: 'status' });
    expect(hintOf([thin], { target: liveTargets({ ...routing, thinTo: 'http://localhost:4242/thin' }) })).toContain('at http://localhost:4242/thin (it answered 404): check the path in --thin-to');
    expect(hintOf([thin], { target: liveTargets({ ...routing, thinTo: 'http://localhost:4242/thin', routes: [{ glob: 'v1.*', url: 'http://localhost:4000/meters' }] }) })).toContain('check the path in --route');
    expect(hintOf([thin], { forwardTo: 'http://localhost:4242/webhook', thinTo: 'http://localhost:4242/thin' })).toContain('at http://localhost:4242/thin (it answered 404): check the path in --thin-to');
  });

  it("a thin step refused 400 names thin events' own secret and --thin-secret; a snapshot step the run's", () => {
    const secret = signingSecret({ value: 'whsec_runSecretrunSecretrunSecret0001', source: 'STRIPE_WEBHOOK_SECRET', generated: false, stripeShaped: true });
    const thinSecret = signingSecret({ value: 'whsec_thinSecretthinSecretthinSecr0002', source: 'STRIPE_WEBHOOK_SECRET_THIN in .env', generated: false, stripeShaped: true }, true);
    const refused = (event: string) => hintOf([step({ event, status: 400, failure: 'status' })], { secret, thinSecret }, 'offline');
    expect(refused('v1.billing.meter.no_meter_found')).toBe('the app answered 400 to events signed with whsec_…0002 (from STRIPE_WEBHOOK_SECRET_THIN in .env): if the app verifies with another secret, give it this one, or pass the one it uses with --thin-secret');
    expect(refused('invoice.paid')).toBe('the app answered 400 to events signed with whsec_…0001 (from STRIPE_WEBHOOK_SECRET): if the app verifies with another secret, give it this one, or pass the one it uses with --secret');
  });

  it('skipped steps are neither counted nor hinted at', () => {
    const failure = runFailure(report([step({ status: 500, failure: 'status' }), step({ failure: 'skipped', error: 'not run: an earlier step failed' })]));
    expect(failure?.message).toBe('flow payment: 1 step failed');
  });
});

describe('deliveryHint', () => {
  it('has nothing to say about classes without a cause of their own', () => {
    for (const failure of ['timeout', 'reset', 'tls', 'dns', 'interrupted', 'trigger', 'no-event'] as const) expect(deliveryHint({ failure, status: null })).toBeUndefined();
  });
});
