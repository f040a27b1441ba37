/**
 * What a failed run says next, end to end: the built CLI against a receiver that verifies with the SDK (with
 * another secret than the one the events are signed with), an Express-style 404, and an API key given as the
 * signing secret. Offline runs POST themselves; the live one goes through the real Stripe CLI and the fake backend.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { maskSecret } from '../../src/lib/redact.js';
import { startApp, type App } from '../support/app.js';
import { runCli, sandbox, STRIPE_BIN } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { startListen, stopListens } from '../support/listen-cli.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

const SIGNING = 'whsec_e2eSignedWithThis0123456789abcd';
const APP_SECRET = 'whsec_e2eTheAppVerifiesWithThis0123456';
const EXPRESS_404 = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot POST /webhooks</pre>\n</body>\n</html>\n';

let receiver: Receiver | undefined;
let app: App | undefined;
let fake: FakeStripe | undefined;
afterEach(async () => {
  await stopListens();
  await Promise.all([receiver?.close(), app?.close(), fake?.close()]);
  receiver = app = fake = undefined;
});

const offline = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['trigger-flow', 'payment', '--offline', ...args], { env });
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at /);

describe('an app that verifies with another secret', () => {
  it('offline: exit 1, the hint names the masked secret and where it came from; --json says failure "status"', async () => {
    receiver = await startReceiver({ secret: APP_SECRET });
    const result = await offline(['--forward-to', receiver.url, '--secret', SIGNING]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^1 +invoice\.created .* 400 .* FAIL the app answered 400/m);
    expect(result.stderr).toContain(
      `hint  the app answered 400 to events signed with ${maskSecret(SIGNING)} (from --secret): if the app verifies with another secret, give it this one, or pass the one it uses with --secret`,
    );
    expect(result.stdout + result.stderr).not.toContain(SIGNING);
    noStack(result.stderr);

    const fromEnv = await offline(['--forward-to', receiver.url], { STRIPE_WEBHOOK_SECRET: SIGNING });
    expect(fromEnv.stderr).toContain(`signed with ${maskSecret(SIGNING)} (from STRIPE_WEBHOOK_SECRET)`);

    const json = await offline(['--forward-to', receiver.url, '--secret', SIGNING, '--json']);
    expect(json.exitCode).toBe(1);
    const report = JSON.parse(json.stdout) as { steps: { status: number | null; failure?: string }[] };
    expect(report.steps[0]).toMatchObject({ status: 400, failure: 'status' });
    expect(report.steps[1]).toMatchObject({ failure: 'skipped' });
  });

  it('live: the hint names the `stripe listen` session\'s secret, masked, and how to line the app up', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: APP_SECRET });
    const box = sandbox();
    const result = await runCli(['trigger-flow', 'payment', '--forward-to', receiver.url, '--api-base', fake.url, '--stripe-bin', STRIPE_BIN], { box, env: { STRIPE_API_KEY: TEST_API_KEY } });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(receiver.deliveries[0]).toMatchObject({ verified: false, status: 400 });
    expect(result.stderr).toContain(
      `hint  the app answered 400 to events signed with the \`stripe listen\` session's secret ${maskSecret(fake.secret)}: if the app verifies with another, run \`stripe-hooks listen --dotenv .env\` and restart the app, or give the app that secret`,
    );
    expect(result.stdout + result.stderr).not.toContain(fake.secret);
  });

  it('listen: the first 400 gets the same hint, once, and a 404 the path hint', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: APP_SECRET });
    app = await startApp({ answer: () => ({ status: 404, body: EXPRESS_404, headers: { 'Content-Type': 'text/html; charset=utf-8' } }) });
    const cli = startListen(fake.url, ['-f', receiver.url, '--route', `charge.*=${app.url('/webhooks')}`, '--events', 'customer.created,charge.succeeded']);
    await cli.waitForLine(/Ready — forwarding/, 'stderr');
    for (const type of ['customer.created', 'customer.created', 'charge.succeeded']) {
      const event = fake.emit(type);
      await cli.waitForLine(new RegExp(event.id));
    }
    await cli.waitForLine(/hint: the app has no webhook handler/, 'stderr');
    cli.child.kill('SIGINT');
    const { stdout, stderr } = await cli.child;
    const hint = `hint: the app answered 400 to events signed with the \`stripe listen\` session's secret ${maskSecret(fake.secret)}`;
    const secretHints = stderr.split('\n').filter((line) => line.includes(hint));
    expect(secretHints).toHaveLength(1);
    expect(stderr).toContain(`hint: the app has no webhook handler at ${app.url('/webhooks')} (it answered 404): check the path in --route`);
    expect(stdout).toContain('Cannot POST /webhooks');
    expect(stdout + stderr).not.toContain(fake.secret);
  });
});

describe('an API key given as the signing secret', () => {
  it('--secret sk_test_…: exit 2 before anything is sent, no stack, the key not echoed', async () => {
    receiver = await startReceiver({ secret: APP_SECRET });
    const key = 'sk_test_51NotASigningSecret0123456789abcdef';
    const result = await offline(['--forward-to', receiver.url, '--secret', key]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error the signing secret from --secret looks like an API key (sk_…); signing secrets start with whsec_');
    expect(result.stderr).toContain('stripe-hooks listen --print-secret');
    expect(result.stdout + result.stderr).not.toContain(key);
    expect(result.stdout + result.stderr).not.toContain('NotASigningSecret');
    noStack(result.stderr);
    expect(receiver.deliveries).toEqual([]);
  });
});

describe('a wrong path', () => {
  it("Express's HTML 404 shows as 'Cannot POST /webhooks', and the hint names the URL to check", async () => {
    app = await startApp({ answer: () => ({ status: 404, body: EXPRESS_404, headers: { 'Content-Type': 'text/html; charset=utf-8' } }) });
    const url = app.url('/webhooks');
    const result = await offline(['--forward-to', url, '--secret', SIGNING]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^1 +invoice\.created .* 404 .* FAIL the app answered 404: Cannot POST \/webhooks$/m);
    expect(result.stderr).toContain(`hint  the app has no webhook handler at ${url} (it answered 404): check the path in --forward-to`);
  });
});
