/**
 * `stripe-hooks trigger-flow <flow> --offline` end to end: the built CLI signs synthetic
 * events and POSTs them to a receiver on 127.0.0.1 that verifies every delivery with the
 * SDK's constructEvent. No Stripe CLI, no account, no backend.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getEnvValue } from '../../src/lib/env-file.js';
import { runCli, sandbox, type Sandbox } from '../support/cli.js';
import { closedPort } from '../support/ports.js';
import { startReceiver, type Receiver, type ReceiverOptions } from '../support/receiver.js';

const secret = 'whsec_e2eOfflineSecret0123456789abcd';
const PAYMENT = [
  'invoice.created', 'customer.subscription.updated', 'payment_intent.requires_action', 'payment_intent.created',
  'payment_intent.processing', 'charge.pending', 'charge.succeeded', 'payment_intent.succeeded', 'transfer.created',
];
let receiver: Receiver | undefined;
let plain: Server | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  plain?.closeAllConnections();
  await new Promise((resolve) => (plain ? plain.close(resolve) : resolve(undefined)));
  plain = undefined;
});

async function app(options: ReceiverOptions = { secret }): Promise<Receiver> {
  receiver = await startReceiver(options);
  return receiver;
}

const offline = (args: string[], options: { box?: Sandbox; env?: NodeJS.ProcessEnv } = {}) => runCli(['trigger-flow', ...args, '--offline'], options);

/** Unix times (seconds, 2001–2286) made relative to `origin`, so two runs a second apart compare equal. */
function sinceFirstEvent(value: unknown, origin: number): unknown {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1e9 && value < 1e10 ? { sinceFirstEvent: value - origin } : value;
  if (Array.isArray(value)) return value.map((item) => sinceFirstEvent(item, origin));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, sinceFirstEvent(item, origin)]));
  return value;
}

/** The fields of the offline `--json` documents these tests read (report, burst, audit, dry run). */
interface OfflineJson {
  ok: boolean;
  steps: { event: string; eventId: string; url?: string }[];
  burst: { count: number; failures: number; latency: { p50: number; max: number } };
  audit: { ok: boolean; checks: { name: string; ok: boolean }[] };
  apiVersion: { version: string; reason: string; shape: string };
  events: [OfflineEvent, ...OfflineEvent[]];
}
interface OfflineEvent {
  id: string;
  type: string;
}

function onlyJson(stdout: string): OfflineJson {
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as OfflineJson;
}

/** A one-line usage error: exit 2, the error and its hint on stderr, no stack, nothing sent. */
function expectUsageError(result: { exitCode?: number; stderr: string; stdout: string }, message: string | RegExp): void {
  expect(result.exitCode, result.stderr).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines[0]).toMatch(typeof message === 'string' ? `error ${message}` : message);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe('');
}

describe('trigger-flow --offline', () => {
  it('delivers the payment flow in order, every event verified by the SDK, and prints the report', async () => {
    const { url, deliveries } = await app();
    const result = await offline(['payment', '--forward-to', url, '--secret', secret]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(deliveries.map((d) => d.event?.type)).toEqual(PAYMENT);
    expect(deliveries.every((d) => d.verified)).toBe(true);
    expect(result.stdout).toMatch(/^step\s+event\s+trigger\s+evt id\s+status\s+ms\s+result$/m);
    for (const delivery of deliveries) expect(result.stdout).toContain(delivery.event!.id);
    expect(result.stdout).toContain('payment: all 9 steps passed');
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('--json prints one report in the live mode\'s shape; --seed reproduces the ids', async () => {
    const { url, deliveries } = await app();
    const first = onlyJson((await offline(['payment', '--forward-to', url, '--secret', secret, '--seed', '42', '--json'])).stdout);
    expect(Object.keys(first)).toEqual(['flow', 'ok', 'mode', 'steps', 'sideEffects', 'seed', 'apiVersion']);
    expect(first.apiVersion).toMatchObject({ reason: 'default' }); // the sandbox's cwd has no node_modules
    expect(first).toMatchObject({ flow: 'payment', ok: true, mode: 'offline', sideEffects: [], seed: 42 });
    expect(first.steps.map((step: { eventId: string }) => step.eventId)).toEqual(deliveries.map((d) => d.event!.id));
    for (const step of first.steps) expect(Object.keys(step)).toEqual(['event', 'trigger', 'eventId', 'url', 'status', 'ms', 'ok']);
    expect(new Set(first.steps.map((step) => step.url))).toEqual(new Set([url])); // where each went
    const second = onlyJson((await offline(['payment', '--forward-to', url, '--secret', secret, '--seed', '42', '--json'])).stdout);
    expect(second.steps.map((step: { eventId: string }) => step.eventId)).toEqual(first.steps.map((step: { eventId: string }) => step.eventId));
    // Everything but the clock is reproduced: compare the payloads with their times taken relative to each run's first event.
    const payloads = (run: typeof deliveries) => sinceFirstEvent(run.map((d) => d.event!.data), Number(run[0]!.event!.created));
    expect(payloads(deliveries.slice(9))).toEqual(payloads(deliveries.slice(0, 9)));
  });

  it('a burst: --repeat with --concurrency, --duplicate and --shuffle, with figures', async () => {
    const { url, deliveries } = await app();
    const result = await offline(['payment', '--forward-to', url, '--secret', secret, '--repeat', '20', '--concurrency', '4', '--duplicate', '--shuffle', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = onlyJson(result.stdout);
    expect(deliveries).toHaveLength(360);
    expect(deliveries.every((d) => d.verified)).toBe(true);
    expect(new Set(deliveries.map((d) => d.event!.id)).size).toBe(180);
    expect(report.burst).toMatchObject({ count: 360, failures: 0 });
    expect(report.burst.latency.max).toBeGreaterThanOrEqual(report.burst.latency.p50);
    expect(report.steps.map((step: { event: string }) => step.event)).toEqual(PAYMENT);
  });

  it('takes the secret from STRIPE_WEBHOOK_SECRET or from --dotenv (or its alias --env-file), with no warning', async () => {
    const { url, deliveries } = await app();
    const fromEnv = await offline(['invoice', '--forward-to', url], { env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(fromEnv.exitCode).toBe(0);
    expect(fromEnv.stderr).not.toContain('warning');
    const box = sandbox();
    writeFileSync(join(box.cwd, '.env'), `PORT=4242\nSTRIPE_WEBHOOK_SECRET="${secret}"\n`);
    expect((await offline(['invoice', '--forward-to', url, '--dotenv', '.env'], { box })).exitCode).toBe(0);
    expect((await offline(['invoice', '--forward-to', url, '--env-file', '.env'], { box })).exitCode).toBe(0);
    expect(deliveries).toHaveLength(12);
    expect(deliveries.every((d) => d.verified)).toBe(true);
  });

  it('signs with any non-empty secret, e.g. a test suite\'s whsec_test_secret, warning once that it is not Stripe\'s', async () => {
    const testSecret = 'whsec_test_secret';
    const { url, deliveries } = await app({ secret: testSecret });
    const result = await offline(['invoice', '--forward-to', url, '--json'], { env: { STRIPE_WEBHOOK_SECRET: testSecret } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(onlyJson(result.stdout).ok).toBe(true);
    expect(result.stderr.trim().split('\n')).toEqual(["warning the signing secret from STRIPE_WEBHOOK_SECRET does not look like Stripe's (whsec_…); signing with it as given"]);
    expect(deliveries).toHaveLength(4);
    expect(deliveries.every((d) => d.verified)).toBe(true);
  });

  it('a secret given as --secret works, with a warning that ps shows it', async () => {
    const { url, deliveries } = await app({ secret: 'my app secret' });
    const result = await offline(['invoice', '--forward-to', url, '--secret', 'my app secret']);
    expect(result.exitCode, result.stderr).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('warning'));
    expect(warnings).toEqual([
      'warning --secret puts the secret where ps can see it for the whole run; set STRIPE_WEBHOOK_SECRET or use --dotenv instead',
      "warning the signing secret from --secret does not look like Stripe's (whsec_…); signing with it as given",
    ]);
    expect(deliveries.every((d) => d.verified)).toBe(true);
  });

  it('--api-key on the command line is warned about once; STRIPE_API_KEY is not', async () => {
    const key = 'sk_test_51KeyOnTheCommandLine000';
    const flag = await offline(['payment', '--dry-run', '--api-key', key]);
    expect(flag.exitCode, flag.stderr).toBe(0);
    expect(flag.stderr).toBe('warning --api-key puts the key where ps can see it for the whole run; set STRIPE_API_KEY instead');
    const env = await offline(['payment', '--dry-run'], { env: { STRIPE_API_KEY: key } });
    expect(env.exitCode, env.stderr).toBe(0);
    expect(env.stderr).toBe('');
  });

  it('with no secret anywhere, generates one into --dotenv, where the app loads it from', async () => {
    const box = sandbox();
    const envFile = join(box.cwd, '.env');
    const { url, deliveries } = await app({ secretProvider: () => getEnvValue(readFileSync(envFile, 'utf8'), 'STRIPE_WEBHOOK_SECRET') });
    const result = await offline(['subscription', '--forward-to', url, '--dotenv', '.env'], { box });
    expect(result.exitCode, result.stderr).toBe(0);
    const generated = getEnvValue(readFileSync(envFile, 'utf8'), 'STRIPE_WEBHOOK_SECRET')!;
    expect(generated).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(deliveries.map((d) => d.verified)).toEqual([true, true, true]);
    expect(result.stderr).toContain('generated one into .env (STRIPE_WEBHOOK_SECRET)');
    expect(result.stdout + result.stderr).not.toContain(generated);
  });

  it('with no secret and no --dotenv, prints the generated one and says how to give it to the app', async () => {
    const { url } = await app();
    const result = await offline(['invoice', '--forward-to', url]);
    const generated = /STRIPE_WEBHOOK_SECRET=(whsec_[A-Za-z0-9]{32})/.exec(result.stderr)?.[1];
    expect(generated, result.stderr).toBeDefined();
    // The receiver verifies with another secret: the run fails, and says why that may be.
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('the app may not know the generated secret yet');
  });

  it('--audit against a handler that never verifies: exit 1, each failed check with its fix', async () => {
    plain = createServer((request, response) => void request.resume().on('end', () => response.writeHead(200).end()));
    await new Promise<void>((resolve) => plain!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/webhook`;
    const result = await offline(['payment', '--forward-to', url, '--secret', secret, '--audit']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('payment: all 9 steps passed');
    expect(result.stdout).toContain('fix wrong-secret: accepted a forged event: verify with stripe.webhooks.constructEvent on the raw body');
    expect(result.stdout).toContain('fix stale: accepted a replayed event');
    expect(result.stdout).toContain('audit: FAILED — 3 passed, 4 failed of 7 checks');
    expect(result.stderr).toContain('error flow payment: 4 audit checks failed');
    const json = onlyJson((await offline(['payment', '--forward-to', url, '--secret', secret, '--audit', '--json'])).stdout);
    expect(json.ok).toBe(true);
    expect(json.audit.ok).toBe(false);
    expect(json.audit.checks.filter((check: { ok: boolean }) => !check.ok).map((check: { name: string }) => check.name)).toEqual(['unsigned', 'wrong-secret', 'stale', 'tampered']);
  });

  it('--audit against a handler that verifies: exit 0', async () => {
    const { url } = await app();
    const result = await offline(['invoice', '--forward-to', url, '--secret', secret, '--audit']);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('audit: all 7 checks passed');
  });

  it('app unreachable: the step fails with "nothing is listening at URL", exit 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/webhook`;
    const result = await offline(['payment', '--forward-to', url], { env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`FAIL nothing is listening at ${url}`);
    expect(result.stdout).toContain('payment: FAILED — 0 passed, 1 failed, 8 skipped of 9 steps');
    expect(result.stderr.trim().split('\n')).toEqual(['error flow payment: 1 step failed', 'hint  start the app, or point --forward-to at it']);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('takes the forward URL in the forms the Stripe CLI takes: localhost:PORT/path (no scheme: http) or a bare port', async () => {
    const { base, deliveries } = await app();
    const port = new URL(base).port;
    const env = { STRIPE_WEBHOOK_SECRET: secret };
    // localhost may resolve to ::1 first; the app listens on 127.0.0.1 only, and is reached all the same.
    expect((await offline(['invoice-void', '--forward-to', `localhost:${port}/hooks`], { env })).exitCode).toBe(0);
    expect((await offline(['invoice-void', '--forward-to', port], { env })).exitCode).toBe(0);
    expect(deliveries.map((d) => [d.path, d.verified])).toEqual([['/hooks', true], ['/hooks', true], ['/', true], ['/', true]]);
  });

  it('--forward-timeout bounds each delivery below --step-timeout', async () => {
    const { url } = await app({ secret, delayMs: { 'invoice.finalized': 5000 } });
    const result = await offline(['invoice-void', '--forward-to', url, '--forward-timeout', '1', '--json'], { env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(result.exitCode).toBe(1); // without it the app's answer, 5 s late, would pass
    const report = JSON.parse(result.stdout) as { steps: { ok: boolean; error?: string }[] };
    expect(report.steps[0]).toMatchObject({ ok: false, error: expect.stringMatching(/^no answer within 1 s/) });
  });

  it('Ctrl+C while the app holds a delivery: exit 130 at once, not after the 30 s timeout', async () => {
    let arrived: () => void;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    plain = createServer(() => arrived()); // takes the request, never answers
    await new Promise<void>((resolve) => plain!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/webhook`;
    const started = Date.now();
    const child = offline(['payment', '--forward-to', url, '--repeat', '10', '--concurrency', '2'], { env: { STRIPE_WEBHOOK_SECRET: secret } });
    await first;
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr.trim()).toBe('error Interrupted');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('--dry-run shows what would be delivered and sends nothing', async () => {
    const { url, deliveries } = await app();
    const human = await offline(['payment', '--forward-to', url, '--seed', '5', '--dry-run']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(/^1\s+invoice\.created\s+evt_[A-Za-z0-9]{24}\s+in_[A-Za-z0-9]{24}$/m);
    const json = onlyJson((await offline(['payment', '--forward-to', url, '--seed', '5', '--dry-run', '--json'])).stdout);
    expect(json.events.map((event: { type: string }) => event.type)).toEqual(PAYMENT);
    expect(json.events[0].id).toBe(/evt_[A-Za-z0-9]{24}/.exec(human.stdout)![0]);
    expect(deliveries).toHaveLength(0);
  });
});

describe('trigger-flow --offline: bad input is one line, exit 2, nothing sent', () => {
  it('refuses an unknown flow, naming the close one', async () => {
    expectUsageError(await offline(['paymnt']), 'unknown flow "paymnt"');
  });

  it('refuses an unknown event in a flow file, with did-you-mean', async () => {
    const box = sandbox();
    writeFileSync(join(box.cwd, 'flow.yaml'), 'name: bad\nsteps:\n  - event: invoice.created\n  - event: invoice.draft.paid\n');
    const result = await offline(['--file', 'flow.yaml'], { box });
    expectUsageError(result, /unknown event type "invoice\.draft\.paid"/);
    expect(result.stderr).toContain('did you mean "invoice.paid"?');
  });

  it('refuses a bad URL, an empty secret and out-of-range numbers', async () => {
    const { url, deliveries } = await app();
    expectUsageError(await offline(['payment', '--forward-to', 'not a url', '--secret', secret]), /--forward-to "not a url" is not a URL/);
    expectUsageError(await offline(['payment', '--forward-to', 'ftp://example.com/x', '--secret', secret]), /must be an http\(s\) URL/);
    // Any non-empty secret is taken (see above); an empty one is a mistake.
    expectUsageError(await offline(['payment', '--forward-to', url, '--secret', '']), '--secret is empty');
    expectUsageError(await offline(['payment', '--forward-to', url, '--secret', '  ']), '--secret is empty');
    expectUsageError(await offline(['payment', '--forward-to', url, '--secret', secret, '--repeat', '0']), /--repeat "0" must be a whole number from 1/);
    expectUsageError(await offline(['payment', '--forward-to', url, '--secret', secret, '--seed', '-1']), /--seed "-1"/);
    expectUsageError(await offline(['payment', '--forward-to', url, '--secret', secret, '--api-version', 'latest']), /--api-version "latest" is not a Stripe API version/);
    expect(deliveries).toHaveLength(0);
  });
});
