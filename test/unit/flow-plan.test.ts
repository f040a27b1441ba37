import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { BUILTIN_FLOWS } from '../../src/flows/builtin.js';
import { shellCommand } from '../../src/lib/shell.js';
import { assertTriggerable, buildTriggerArgs, planFlow, RELAY_PLACEHOLDER } from '../../src/run/plan.js';
import type { Flow } from '../../src/flows/types.js';
import { parseTriggerHelp, triggerFailureMessage } from '../../src/stripe-cli/triggers.js';

const payment = BUILTIN_FLOWS.find((flow) => flow.name === 'payment')!;
// `stripe trigger --help` of the real Stripe CLI 1.52.0, captured verbatim.
const HELP = readFileSync(join(import.meta.dirname, 'fixtures', 'stripe-trigger', 'help.txt'), 'utf8');

describe('buildTriggerArgs', () => {
  it.each([
    [{ event: 'invoice.paid' }, {}, ['trigger', 'invoice.paid']],
    [{ event: 'invoice.payment_failed', trigger: 'subscription.payment_failed' }, {}, ['trigger', 'subscription.payment_failed']],
    [
      { event: 'charge.refunded', override: ['charge:amount=500'], add: ['refund:metadata.k=v'], remove: ['charge:description'] },
      { stripeAccount: 'acct_1', apiBase: new URL('http://localhost:12111') },
      ['trigger', 'charge.refunded', '--override', 'charge:amount=500', '--add', 'refund:metadata.k=v', '--remove', 'charge:description', '--stripe-account', 'acct_1', '--api-base', 'http://127.0.0.1:12111'],
    ],
  ] as const)('%o %o', (step, options, expected) => {
    expect(buildTriggerArgs({ ...step } as Flow['steps'][number], options)).toEqual(expected);
  });

  it('refuses values the CLI would read as flags', () => {
    expect(() => buildTriggerArgs({ event: 'invoice.paid', override: ['--api-key=x'] })).toThrow(UsageError);
    expect(() => buildTriggerArgs({ event: 'invoice.paid' }, { stripeAccount: '--raw' })).toThrow(UsageError);
  });
});

describe('planFlow', () => {
  const routing = { forwardTo: 'http://127.0.0.1:4242/webhook', routes: [] };

  it('plans the payment flow: one listener (behind the relay) for the flow\'s events, a trigger per step, none for the observed one', () => {
    const plan = planFlow(payment, { routing, stepTimeoutMs: 30_000, listen: true });
    const events = payment.steps.map((step) => step.event);
    expect(plan.listen).toEqual({
      events,
      routing,
      args: [['listen', '--forward-to', `${RELAY_PLACEHOLDER}/forward`, '--forward-connect-to', `${RELAY_PLACEHOLDER}/connect`, '--events', events.join(','), '--skip-update']],
    });
    expect(plan.steps.map((step) => step.args?.join(' ') ?? null)).toEqual(
      payment.steps.map((step) => (step.observe ? null : `trigger ${step.event}`)),
    );
    expect(plan.steps[5]).toMatchObject({ trigger: null, args: null, timeoutMs: 30_000 });
  });

  it('a thin destination adds a second stripe listen, for every thin event, with --events-from on both', () => {
    const plan = planFlow(payment, { routing: { ...routing, thinTo: 'http://127.0.0.1:4242/thin' }, eventsFrom: '@self', stepTimeoutMs: 30_000, listen: true });
    expect(plan.listen).toMatchObject({ allThin: true, eventsFrom: '@self' });
    expect(plan.listen?.args.map((args) => args.join(' '))).toEqual([
      `listen --forward-to ${RELAY_PLACEHOLDER}/forward --events ${plan.listen!.events.join(',')} --events-from @self --skip-update`,
      `listen --forward-to ${RELAY_PLACEHOLDER}/thin --all-thin --events-from @self --skip-update`,
    ]);
    const route = planFlow(payment, { routing: { ...routing, routes: [{ glob: 'v1.*', url: 'http://127.0.0.1:4000/' }] }, stepTimeoutMs: 30_000, listen: true });
    expect(route.listen?.args).toHaveLength(2);
  });

  it('a step\'s own timeout wins; --no-listen plans no listener; events are listed once', () => {
    const flow: Flow = { name: 'f', description: '', source: 'x', steps: [{ event: 'invoice.paid', timeout: 2 }, { event: 'invoice.paid' }] };
    const plan = planFlow(flow, { routing, stepTimeoutMs: 7000, listen: false });
    expect(plan.listen).toBeNull();
    expect(planFlow(flow, { routing, stepTimeoutMs: 7000, listen: true }).listen?.events).toEqual(['invoice.paid']);
    expect(plan.steps.map((step) => step.timeoutMs)).toEqual([2000, 7000]);
  });
});

describe('triggerable fixtures', () => {
  it('are read from the CLI\'s help: every built-in step that triggers has one, charge.pending has none', () => {
    const triggerable = new Set(parseTriggerHelp(HELP));
    expect(triggerable.size).toBe(123);
    expect(triggerable.has('issuing_authorization.request.eu')).toBe(true);
    expect(triggerable.has('charge.pending')).toBe(false);
    for (const flow of BUILTIN_FLOWS) expect(() => assertTriggerable(flow, triggerable)).not.toThrow();
    expect(parseTriggerHelp('Usage:\n  stripe trigger <event>\n')).toEqual([]);
  });

  it('a non-observed step without a fixture is a usage error naming the fix', () => {
    const flow: Flow = { name: 'f', description: '', source: 'x', steps: [{ event: 'invoice.paid' }, { event: 'charge.pending' }] };
    expect(() => assertTriggerable(flow, new Set(parseTriggerHelp(HELP)))).toThrow(
      new UsageError('flow "f" step 2: the Stripe CLI has no `stripe trigger` fixture for "charge.pending"', {
        hint: 'if an earlier step causes charge.pending, mark the step "observe: true"; else set "trigger" to a fixture that emits it (see `stripe trigger --help`)',
      }),
    );
    const typo: Flow = { ...flow, steps: [{ event: 'invoice.payment_failed', trigger: 'subscription.payment_faild' }] };
    let hint: string | undefined;
    try {
      assertTriggerable(typo, new Set(parseTriggerHelp(HELP)));
    } catch (error) {
      hint = (error as UsageError).hint;
    }
    expect(hint).toBe('did you mean trigger: "subscription.payment_failed"?');
  });
});

describe('triggerFailureMessage', () => {
  it.each([
    ['Checking for new versions...\n\nTrigger failed: Request failed, status=402, body={"error": {}}\n', 'Request failed, status=402, body={"error": {}}'],
    ['Trigger failed: Post "http://127.0.0.1:9/v1/payment_intents": dial tcp 127.0.0.1:9: connect: connection refused\n', 'Post "http://127.0.0.1:9/v1/payment_intents": dial tcp 127.0.0.1:9: connect: connection refused'],
    ['The event `charge.pending` is not supported by Stripe CLI. To trigger unsupported events, use the Stripe API or Dashboard …\n', 'The event `charge.pending` is not supported by Stripe CLI'],
    ['You have not configured API keys yet\n  If you already have a key: set STRIPE_API_KEY\n', 'You have not configured API keys yet'],
    ['', undefined],
  ])('%j', (stderr, expected) => {
    expect(triggerFailureMessage(stderr)).toBe(expected);
  });
});

it('shellCommand quotes only what a shell would split or expand', () => {
  expect(shellCommand(['stripe', 'trigger', 'a.b', '--override', 'customer:name=Jo Do', "x'y", '$HOME'])).toBe(
    `stripe trigger a.b --override 'customer:name=Jo Do' 'x'\\''y' '$HOME'`,
  );
});
