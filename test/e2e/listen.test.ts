/**
 * `stripe-hooks listen` end to end: the built CLI runs the real `stripe listen`
 * against the fake Stripe backend; deliveries go through the relay to a receiver
 * that verifies every signature with the SDK. What the relay itself promises
 * (exact ids, bodies, 502/504, its token, routes, --serial): listen-relay*.test.ts.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getEnvValue } from '../../src/lib/env-file.js';
import { runCli, sandbox, STRIPE_BIN, type Sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { KEY_ENV, deliveryLine, stopListens, startListen } from '../support/listen-cli.js';
import { closedPort } from '../support/ports.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

let fake: FakeStripe | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await stopListens();
  await fake?.close();
  await receiver?.close();
  fake = receiver = undefined;
});

const global = (api: FakeStripe) => ['--api-base', api.url, '--stripe-bin', STRIPE_BIN];
const listen = (api: FakeStripe, args: string[], box?: Sandbox) => startListen(api.url, args, box);

/**
 * A --stripe-bin that answers `version` like the real one (the locator asks) and otherwise only
 * records how it was run (argv, one per line, and its environment), then fails.
 */
function recordingStripe(box: Sandbox): { bin: string; ran: () => boolean; argv: () => string[]; env: () => string } {
  const bin = join(box.home, 'stripe');
  const marker = join(box.home, 'stripe-argv');
  writeFileSync(
    bin,
    `#!/bin/sh\nif [ "$1" = version ]; then echo "stripe version 1.52.0"; exit 0; fi\nprintf '%s\\n' "$@" > "${marker}"\nenv > "${marker}.env"\nexit 1\n`,
  );
  chmodSync(bin, 0o755);
  return {
    bin,
    ran: () => existsSync(marker),
    argv: () => readFileSync(marker, 'utf8').trimEnd().split('\n'),
    env: () => readFileSync(`${marker}.env`, 'utf8'),
  };
}

describe('stripe-hooks listen', () => {
  it('writes the captured secret into an existing .env, shows each delivery as a line, stops on SIGINT', async () => {
    fake = await startFakeStripe();
    const box = sandbox();
    const envPath = join(box.cwd, '.env');
    writeFileSync(envPath, '# app settings\nPORT=4242\nSTRIPE_WEBHOOK_SECRET=whsec_stale\nexport OTHER="x y"\n', { mode: 0o640 });
    // The receiver verifies with whatever the CLI wrote to .env: a wrong secret fails verification.
    receiver = await startReceiver({ secretProvider: () => getEnvValue(readFileSync(envPath, 'utf8'), 'STRIPE_WEBHOOK_SECRET') });
    const cli = listen(fake, ['--forward-to', receiver.url, '--events', 'customer.created,invoice.paid', '--env-file', '.env'], box);

    await cli.waitForLine(/Ready — forwarding to http:\/\/127\.0\.0\.1:\d+\/webhook/, 'stderr');
    expect(readFileSync(envPath, 'utf8')).toBe(`# app settings\nPORT=4242\nSTRIPE_WEBHOOK_SECRET=${fake.secret}\nexport OTHER="x y"\n`);
    expect(statSync(envPath).mode & 0o777).toBe(0o640);

    const event = fake.emit('customer.created');
    const delivery = await receiver.waitFor('customer.created');
    expect(delivery).toMatchObject({ verified: true, status: 200 });
    expect(delivery.event?.id).toBe(event.id);
    const line = await cli.waitForLine(new RegExp(event.id));
    expect(line).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  customer\\.created +${event.id} +200  \\d+ ms$`));

    cli.child.kill('SIGINT');
    const result = await cli.child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain(`signing secret whsec_`);
    expect(result.stderr).not.toContain(fake.secret); // shown redacted; it is in .env
    expect(result.stdout.trim().split('\n')).toEqual([line]);
  });

  it('--json: stdout is NDJSON and nothing else (ready, deliveries, a failure, the closing summary); .env created 0600', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret, status: { 'invoice.paid': 500 } });
    const box = sandbox();
    const down = `http://127.0.0.1:${await closedPort()}/connect`;
    const cli = listen(fake, ['--json', '-f', receiver.url, '--forward-connect-to', down, '--flow', 'invoice', '--env-file', '.env'], box);

    const ready = JSON.parse(await cli.waitForLine(/"kind":"ready"/));
    expect(ready).toEqual({
      kind: 'ready', time: expect.any(String), secret: expect.stringMatching(/^whsec_…\w{4}$/), apiVersion: fake.apiVersion,
      forwardTo: receiver.url, forwardConnectTo: down, eventsFrom: 'all', routes: [], serial: false, envFile: join(box.cwd, '.env'),
    });
    const envPath = join(box.cwd, '.env');
    expect(readFileSync(envPath, 'utf8')).toBe(`STRIPE_WEBHOOK_SECRET=${fake.secret}\n`);
    expect(statSync(envPath).mode & 0o777).toBe(0o600);

    const created = fake.emit('invoice.created');
    expect(await deliveryLine(cli, created.id)).toEqual({
      kind: 'delivery', time: expect.any(String), id: created.id, type: 'invoice.created', livemode: false, apiVersion: fake.apiVersion,
      connect: false, url: receiver.url, status: 200, ms: expect.any(Number),
    });
    const paid = fake.emit('invoice.paid');
    expect(await deliveryLine(cli, paid.id)).toMatchObject({ kind: 'delivery', status: 500, body: '{"received":true}' });
    expect((await receiver.waitFor('invoice.paid')).verified).toBe(true);

    const connect = fake.emit({ type: 'invoice.created', account: 'acct_1Connected' });
    expect(await deliveryLine(cli, connect.id)).toMatchObject({
      kind: 'delivery', id: connect.id, type: 'invoice.created', account: 'acct_1Connected', connect: true, url: down, status: null, failure: 'refused',
      error: expect.stringContaining(`nothing is listening at ${new URL(down).origin}`),
    });

    cli.child.kill('SIGTERM');
    const result = await cli.child;
    expect(result.exitCode).toBe(143);
    const objects = result.stdout.split('\n').map((text) => JSON.parse(text) as Record<string, unknown>); // every line is JSON
    expect(objects.map((o) => o.kind ?? Object.keys(o)[0])).toEqual(['ready', 'delivery', 'delivery', 'delivery', 'summary']);
    expect(objects.at(-1)).toEqual({ kind: 'summary', delivered: 1, failed: 2, interrupted: 0, refused: 0 }); // SIGTERM is a normal stop: no error document
    expect(result.stdout).not.toContain(fake.secret);
    expect(result.stderr).toBe('');
  });

  it('--print-secret prints only the secret and exits 0', async () => {
    fake = await startFakeStripe();
    const result = await runCli(['listen', '--print-secret', ...global(fake)], { env: KEY_ENV });
    expect(result).toMatchObject({ exitCode: 0, stdout: fake.secret, stderr: '' });
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /v1/stripecli/sessions 200']);
    expect(fake.sessions).toHaveLength(1);
  });

  it('a key the API rejects -> exit 3 with a hint, the key never printed', async () => {
    fake = await startFakeStripe({ apiKeys: [TEST_API_KEY] });
    const wrong = 'sk_test_51NotTheRightKeyAtAll';
    const result = await runCli(['listen', '--api-base', fake.url, '--stripe-bin', STRIPE_BIN], { env: { STRIPE_API_KEY: wrong } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/^error Stripe rejected the API key \(Authorization failed, status=401\)\nhint  check STRIPE_API_KEY/);
    expect(result.stderr + result.stdout).not.toContain(wrong);
  });

  it('no key and not logged in -> exit 3 with a hint', async () => {
    fake = await startFakeStripe();
    const result = await runCli(['listen', '--api-base', fake.url, '--stripe-bin', STRIPE_BIN]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('error no Stripe API key: none given and the Stripe CLI is not logged in');
    expect(result.stderr).toContain(`hint  set STRIPE_API_KEY to a test key (sk_test_… or rk_test_…), or run \`${STRIPE_BIN} login\``);
    expect(fake.requests).toEqual([]);
  });
});

describe('stripe-hooks listen without a Stripe CLI', () => {
  it('none on PATH, in node_modules or the cache -> exit 3 pointing at setup', async () => {
    const box = sandbox({ PATH: join(sandbox().home, 'empty') });
    for (const extra of [[], ['--print-secret']]) {
      const result = await runCli(['listen', ...extra], { box, env: KEY_ENV });
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toMatch(/^error Stripe CLI not found\nhint  run `stripe-hooks setup`/);
    }
  });
});

describe('stripe-hooks listen refuses bad input before spawning anything', () => {
  it('valid input does run the binary: exact argv, the key only in its environment (control)', async () => {
    const box = sandbox();
    writeFileSync(join(box.cwd, 'stripe-hooks.config.json'), JSON.stringify({ flows: { refunds: { steps: [{ event: 'charge.refunded' }, { event: 'refund.created' }] } } }));
    const stripe = recordingStripe(box);
    const args = ['listen', '--flow', 'refunds', '--api-base', 'http://localhost:12111', '--stripe-bin', stripe.bin, '--api-key', TEST_API_KEY];
    const result = await runCli(args, { box });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('error stripe listen exited with code 1');
    expect(result.stderr).toContain('warning --api-key puts the key where ps can see it for the whole run; set STRIPE_API_KEY instead');
    // The CLI forwards to the relay (one token for both routes); the user's URL stays with the relay.
    const relay = expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\//);
    const argv = stripe.argv();
    expect(argv).toEqual([
      'listen', '--forward-to', relay, '--forward-connect-to', relay, '--events', 'charge.refunded,refund.created', '--skip-update', '--api-base', 'http://127.0.0.1:12111',
    ]);
    expect(argv[2]!.replace(/forward$/, 'connect')).toBe(argv[4]);
    expect(stripe.env()).toContain(`STRIPE_API_KEY=${TEST_API_KEY}\n`);
    expect(stripe.env()).toContain('STRIPE_CLI_TELEMETRY_OPTOUT=1\n');
  });

  it.each([
    [['--forward-to', 'ftp://localhost:4242/webhook'], /--forward-to "ftp:\/\/localhost:4242\/webhook" must be an http\(s\) URL/],
    [['--forward-connect-to', '--live'], /--forward-connect-to needs a URL/],
    [['--route', 'invoice.*'], /--route "invoice\.\*" is not GLOB=URL/],
    [['--reorder-window', '20000'], /--reorder-window "20000" must be a whole number from 0 to 10000/],
    [['--forward-timeout', '31'], /--forward-timeout "31"/],
    [['--events', 'customer.creatd'], /--events: unknown event type "customer\.creatd"\nhint  did you mean "customer\.created"\?/],
    [['--events', 'subscription.triggered'], /unknown event type "subscription\.triggered"\nhint  no Stripe event type is close/],
    [['--flow', 'paymnt'], /unknown flow "paymnt"\nhint  did you mean "payment"\? known flows: payment, subscription, invoice/],
    [['--flow', 'payment', '--all-events'], /--flow and --all-events cannot be combined/],
    [['--flow', 'payment', '--all'], /--all and --flow cannot be combined/], // the old name, a hidden alias: the flag typed is named
    [['--header', 'no colon'], /--header "no colon" is not "Key: Value"/],
    [['--ready-timeout', 'soon'], /--ready-timeout "soon" is not a number of seconds/],
    [['--env-file', '.env', '--env-key', 'BAD-NAME'], /--env-key "BAD-NAME" is not a valid variable name/],
    [['--api-base', 'http://10.1.2.3:12111'], /--api-base http:\/\/10\.1\.2\.3:12111 is not accepted by the Stripe CLI/],
  ])('%j -> exit 2', async (args, message) => {
    const box = sandbox();
    const stripe = recordingStripe(box);
    const result = await runCli(['listen', ...args, '--stripe-bin', stripe.bin], { box, env: KEY_ENV });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(2); // one line and its hint, no stack
    expect(stripe.ran()).toBe(false);
  });
});
