import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { BUILTIN_FLOWS } from '../../src/flows/builtin.js';
import { listFlows, resolveFlow } from '../../src/flows/load.js';

function dir(files: Record<string, string> = {}): string {
  const cwd = mkdtempSync(join(tmpdir(), 'flow-load-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  return cwd;
}

/** The UsageError a load throws, as "message | hint". */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UsageError);
  const usage = error as UsageError;
  expect(usage.exitCode).toBe(2);
  expect(usage.message).not.toContain('\n');
  return `${usage.message} | ${usage.hint ?? ''}`;
}

describe('resolveFlow: built-ins', () => {
  it('finds a built-in flow by name', async () => {
    const flow = await resolveFlow('payment', { cwd: dir() });
    expect(flow.steps.map((step) => step.event)).toEqual([
      'invoice.created',
      'customer.subscription.updated',
      'payment_intent.requires_action',
      'payment_intent.created',
      'payment_intent.processing',
      'charge.pending',
      'charge.succeeded',
      'payment_intent.succeeded',
      'transfer.created',
    ]);
    expect(flow.source).toBe('built-in');
  });

  it('an unknown flow lists the known ones, with a suggestion for a typo', async () => {
    const message = await failure(resolveFlow('paymnet', { cwd: dir() }));
    expect(message).toBe('unknown flow "paymnet" | did you mean "payment"? known flows: payment, subscription, invoice, invoice-void');
    expect(await failure(resolveFlow('zzz', { cwd: dir() }))).toBe('unknown flow "zzz" | known flows: payment, subscription, invoice, invoice-void');
  });
});

describe('resolveFlow: --file', () => {
  it('reads a single YAML flow with every step field, named after the file', async () => {
    const cwd = dir({
      'refund.yaml': [
        'description: a charge is refunded',
        'steps:',
        '  - charge.succeeded',
        '  - event: charge.refunded',
        '    override: ["charge:amount=500"]',
        '    add: refund:metadata.reason=test',
        '    remove: [charge:description]',
        '    timeout: 45',
        '  - event: charge.refund.updated',
        '    observe: true',
        '  - { event: invoice.payment_failed, trigger: subscription.payment_failed }',
      ].join('\n'),
    });
    const flow = await resolveFlow(undefined, { cwd, file: 'refund.yaml' });
    expect(flow).toEqual({
      name: 'refund',
      description: 'a charge is refunded',
      source: 'refund.yaml',
      steps: [
        { event: 'charge.succeeded' },
        { event: 'charge.refunded', override: ['charge:amount=500'], add: ['refund:metadata.reason=test'], remove: ['charge:description'], timeout: 45 },
        { event: 'charge.refund.updated', observe: true },
        { event: 'invoice.payment_failed', trigger: 'subscription.payment_failed' },
      ],
    });
  });

  it('reads JSON, and several flows from one file by name', async () => {
    const cwd = dir();
    mkdirSync(join(cwd, 'flows'));
    writeFileSync(
      join(cwd, 'flows', 'many.json'),
      JSON.stringify({ flows: { a: ['customer.created'], b: { description: 'bee', steps: [{ event: 'customer.deleted' }] } } }),
    );
    const b = await resolveFlow('b', { cwd, file: 'flows/many.json' });
    expect(b).toMatchObject({ name: 'b', description: 'bee', source: join('flows', 'many.json'), steps: [{ event: 'customer.deleted' }] });
    expect(await failure(resolveFlow(undefined, { cwd, file: 'flows/many.json' }))).toMatch(/^no flow given \| name one: a, b, payment/);
  });

  it('a file flow shadows a built-in of the same name', async () => {
    const cwd = dir({ 'f.yaml': 'name: payment\nsteps: [customer.created]\n' });
    expect((await resolveFlow('payment', { cwd, file: 'f.yaml' })).steps).toEqual([{ event: 'customer.created' }]);
    const names = (await listFlows({ cwd, file: 'f.yaml' })).map((flow) => `${flow.name}@${flow.source}`);
    expect(names).toEqual(['payment@f.yaml', 'subscription@built-in', 'invoice@built-in', 'invoice-void@built-in']);
  });

  it('a missing file, a directory', async () => {
    const cwd = dir();
    expect(await failure(resolveFlow('x', { cwd, file: 'nope.yaml' }))).toMatch(/^flow file nope\.yaml not found \| check the path \(relative to /);
    mkdirSync(join(cwd, 'd.yaml'));
    expect(await failure(resolveFlow('x', { cwd, file: 'd.yaml' }))).toMatch(/^d\.yaml is a directory/);
  });
});

describe('malformed and invalid flow files', () => {
  const cases: [string, string, string, RegExp][] = [
    ['bad indentation (YAML)', 'f.yaml', 'steps:\n  - event: invoice.created\n - event: invoice.paid\n', /^f\.yaml:3:\d+: malformed YAML: /],
    ['unclosed quote (YAML)', 'f.yaml', 'steps:\n  - "invoice.created\n', /^f\.yaml:3:1: malformed YAML: Missing closing "quote/],
    ['duplicate key (YAML)', 'f.yaml', 'steps: [invoice.paid]\nsteps: [invoice.paid]\n', /^f\.yaml:2:1: malformed YAML: Map keys must be unique/],
    ['missing comma (JSON)', 'f.json', '{\n  "steps": [\n    "invoice.created"\n    "invoice.paid"\n  ]\n}', /^f\.json:4:5: malformed JSON: Expected ',' or ']' after array element \|/],
    ['unknown event, close match', 'f.yaml', 'steps:\n  - invoice.created\n  - event: invoice.draft.paid\n', /^f\.yaml:3:12: flow "f" step 2: unknown event type "invoice\.draft\.paid" \| did you mean "invoice\.paid"\?$/],
    ['unknown event, no close match', 'f.yaml', 'steps:\n  - subscription.triggered\n', /^f\.yaml:2:5: flow "f" step 1: unknown event type "subscription\.triggered" \| no Stripe event type is close to it/],
    ['unknown step field', 'f.yaml', 'steps:\n  - event: invoice.paid\n    overide: [a:b=c]\n', /^f\.yaml:3:5: flow "f" step 1 has an unknown field "overide" \| did you mean "override"\?/],
    ['step without event', 'f.yaml', 'steps:\n  - trigger: invoice.paid\n', /^f\.yaml:2:5: flow "f" step 1 has no "event"/],
    ['observe and trigger', 'f.yaml', 'steps:\n  - invoice.paid\n  - { event: charge.pending, observe: true, trigger: charge.succeeded }\n', /^f\.yaml:3:\d+: flow "f" step 2 has both "observe" and "trigger"/],
    ['observe with override', 'f.yaml', 'steps:\n  - invoice.paid\n  - { event: charge.pending, observe: true, override: "a:b=c" }\n', /step 2 has "override" but is observed/],
    ['first step observed', 'f.yaml', 'steps:\n  - { event: charge.pending, observe: true }\n', /^f\.yaml:2:5: flow "f" step 1 is observed, but no earlier step can cause its event/],
    ['bad override', 'f.yaml', 'steps:\n  - { event: invoice.paid, override: [amount=5] }\n', /^f\.yaml:2:\d+: override "amount=5" is not in the form resource:param=value/],
    ['override starting with -', 'f.yaml', 'steps:\n  - { event: invoice.paid, override: ["--api-key=x"] }\n', /override "--api-key=x" is not in the form/],
    ['bad timeout', 'f.yaml', 'steps:\n  - { event: invoice.paid, timeout: -1 }\n', /step 1: "timeout" must be a number of seconds \| e\.g\. timeout: 60/],
    ['bad trigger', 'f.yaml', 'steps:\n  - { event: invoice.paid, trigger: "--raw" }\n', /step 1: "trigger" must name a stripe trigger fixture/],
    ['empty steps', 'f.yaml', 'steps: []\n', /^f\.yaml:1:8: flow "f" needs a non-empty list of "steps"/],
    ['neither steps nor flows', 'f.yaml', 'name: x\n', /^f\.yaml:1:1: the flow file has neither "steps" nor "flows"/],
    ['empty file', 'f.yaml', '', /^f\.yaml: the flow file is empty/],
    ['not a mapping', 'f.json', '[1, 2]', /^f\.json:1:1: the flow file must be a mapping/],
    ['bad flow name', 'f.yaml', 'flows:\n  "-x": [invoice.paid]\n', /^f\.yaml:2:9: flow name "-x" is not allowed/],
  ];
  it.each(cases)('%s', async (_label, name, text, expected) => {
    const cwd = dir({ [name]: text });
    expect(await failure(resolveFlow('f', { cwd, file: name }))).toMatch(expected);
  });
});

describe('the config file', () => {
  it('adds its flows: section (other settings are left alone)', async () => {
    const cwd = dir({ 'stripe-hooks.config.yaml': 'forwardTo: http://x\nflows:\n  refund:\n    steps: [charge.refunded]\n' });
    const flow = await resolveFlow('refund', { cwd });
    expect(flow).toMatchObject({ name: 'refund', source: 'stripe-hooks.config.yaml', steps: [{ event: 'charge.refunded' }] });
    expect((await listFlows({ cwd })).map((f) => f.name)).toEqual(['refund', ...BUILTIN_FLOWS.map((f) => f.name)]);
  });

  it('a broken config file fails even for a built-in flow, pointing at the config', async () => {
    const cwd = dir({ 'stripe-hooks.config.json': '{"flows": {"x": ["invoice.draft.paid"]}}' });
    expect(await failure(resolveFlow('payment', { cwd }))).toMatch(/^stripe-hooks\.config\.json:1:18: flow "x" step 1: unknown event type "invoice\.draft\.paid" \| did you mean "invoice\.paid"/);
  });

  it('two config files are ambiguous', async () => {
    const cwd = dir({ 'stripe-hooks.config.yaml': 'flows: {}\n', 'stripe-hooks.config.yml': 'flows: {}\n' });
    expect(await failure(listFlows({ cwd }))).toMatch(/^both stripe-hooks\.config\.yaml and stripe-hooks\.config\.yml exist/);
  });
});

it('every built-in flow uses valid event types and passes the file validator', async () => {
  const { parseFlow } = await import('../../src/flows/validate.js');
  for (const flow of BUILTIN_FLOWS) {
    expect(parseFlow({ description: flow.description, steps: flow.steps }, flow.name, 'built-in', [])).toEqual(flow);
  }
});
