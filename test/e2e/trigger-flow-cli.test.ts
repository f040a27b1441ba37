/**
 * `stripe-hooks trigger-flow` around the run: bad flows and options (exit 2, nothing started),
 * --dry-run and --list (nothing spawned), --no-listen, the probe cache across runs, environment
 * failures (exit 3) and Ctrl+C in the middle of a step (exit 130, no `stripe` process left).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, sandbox, STRIPE_BIN, type Sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { Recorder } from '../support/recorder.js';
import { childPids, commandLine, isRunning, startCli } from '../support/running-cli.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

/** The key goes in the environment, as users are told to give it (`--api-key` is warned about). */
const KEY_ENV = { STRIPE_API_KEY: TEST_API_KEY };

let fake: FakeStripe | undefined;
let receiver: Receiver | undefined;
let proxy: Awaited<ReturnType<typeof holdingProxy>> | undefined;

afterEach(async () => {
  await proxy?.close();
  await fake?.close();
  await receiver?.close();
  fake = receiver = proxy = undefined;
});

const globalArgs = (apiBase: string) => ['--api-base', apiBase, '--stripe-bin', STRIPE_BIN];

function withFile(name: string, text: string): Sandbox {
  const box = sandbox();
  writeFileSync(join(box.cwd, name), text);
  return box;
}

/**
 * Stands where Stripe's API would be, passing every call on to the fake except those matching
 * `hold`, which it keeps waiting (a Stripe call that hangs) until closed.
 */
async function holdingProxy(target: string, hold: RegExp) {
  const held = new Recorder<string>((path) => path);
  const waiting: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (hold.test(`${req.method} ${req.url}`)) {
      waiting.push(res);
      held.push(`${req.method} ${req.url}`);
      return;
    }
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    async close() {
      for (const res of waiting) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('bad flows and options: exit 2 before anything starts', () => {
  const cases: [string, string, RegExp][] = [
    ['malformed YAML', 'steps:\n  - event: invoice.created\n - event: invoice.paid\n', /^error flow\.yaml:3:1: malformed YAML: A block sequence may not be used as an implicit map key\nhint  fix the file/],
    ['did you mean', 'steps:\n  - invoice.created\n  - invoice.draft.paid\n', /^error flow\.yaml:3:5: flow "flow" step 2: unknown event type "invoice\.draft\.paid"\nhint  did you mean "invoice\.paid"\?$/],
    ['no close match', 'steps:\n  - subscription.triggered\n', /^error flow\.yaml:2:5: flow "flow" step 1: unknown event type "subscription\.triggered"\nhint  no Stripe event type is close to it/],
    [
      'a step with no stripe trigger fixture that does not observe',
      'steps:\n  - payment_intent.processing\n  - charge.pending\n',
      /^error flow "flow" step 2: the Stripe CLI has no `stripe trigger` fixture for "charge\.pending"\nhint  if an earlier step causes charge\.pending, mark the step "observe: true"/,
    ],
  ];
  it.each(cases)('%s', async (_label, text, expected) => {
    fake = await startFakeStripe();
    const result = await runCli(['trigger-flow', '--file', 'flow.yaml', ...globalArgs(fake.url)], { box: withFile('flow.yaml', text), env: KEY_ENV });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(expected);
    expect(result.stdout).toBe('');
    // No trigger. (Fixtures are read from the binary while `stripe listen` starts: its session may be there.)
    expect(fake.requests.filter((request) => request.path !== '/v1/stripecli/sessions')).toEqual([]);
  });

  it('unknown flow, offline-only options, a bad account, a bad timeout', async () => {
    const results = await Promise.all([
      runCli(['trigger-flow', 'paymnt']),
      runCli(['trigger-flow', 'payment', '--duplicate']),
      runCli(['trigger-flow', 'payment', '--stripe-account', '-x']),
      runCli(['trigger-flow', 'payment', '--step-timeout', 'soon']),
      runCli(['trigger-flow', 'payment', '--forward-to', 'ftp://localhost:4242/webhook']),
      runCli(['trigger-flow', 'paymnt', '--json']),
    ]);
    expect(results.map((r) => r.exitCode)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(results[0].stderr).toBe('error unknown flow "paymnt"\nhint  did you mean "payment"? known flows: payment, subscription, invoice, invoice-void');
    expect(results[1].stderr).toBe('error --duplicate works only with --offline\nhint  add --offline, or drop --duplicate');
    expect(results[2].stderr).toMatch(/^error --stripe-account "-x" is not an account id/);
    expect(results[3].stderr).toMatch(/^error --step-timeout "soon" is not a number of seconds/);
    expect(results[4].stderr).toMatch(/^error --forward-to "ftp:\/\/localhost:4242\/webhook" must be an http\(s\) URL/);
    expect(JSON.parse(results[5].stdout)).toEqual({ error: { code: 'ERR_STRIPE_HOOKS_USAGE', exitCode: 2, message: 'unknown flow "paymnt"', hint: expect.stringContaining('known flows') } });
  });
});

describe('--route and --serial need the relay, which runs with the listener: exit 2, one line', () => {
  it.each([
    [['--offline', '--serial'], 'error --serial and --offline cannot be combined'],
    [['--offline', '--route', 'invoice.*=localhost:4000/billing'], 'error --route and --offline cannot be combined'],
    [['--no-listen', '--serial'], 'error --serial and --no-listen cannot be combined'],
    [['--no-listen', '--route', 'invoice.*=localhost:4000/billing'], 'error --route and --no-listen cannot be combined'],
    [['--route', 'invoice.*'], 'error --route "invoice.*" is not GLOB=URL'],
    [['--route', 'invoice.*=ftp://x'], 'error --route "invoice.*=ftp://x": "ftp://x" must be an http(s) URL'],
    [['--route', 'invoice.*=not a url'], 'error --route "invoice.*=not a url": "not a url" is not a URL'],
    [['--forward-timeout', '31'], 'error --forward-timeout "31" is over the limit of 30 seconds'],
    [['--reorder-window', '10001', '--serial'], 'error --reorder-window "10001" must be a whole number from 0 to 10000'],
    [['--offline', '--reorder-window', '100'], 'error --reorder-window and --offline cannot be combined'],
  ])('%j', async (args, message) => {
    const result = await runCli(['trigger-flow', 'payment', ...args, '--stripe-bin', '/nonexistent/stripe'], { env: KEY_ENV });
    expect(result.exitCode).toBe(2);
    const [line, hint, ...rest] = result.stderr.split('\n');
    expect(line).toBe(message);
    expect(hint).toMatch(args[0] === '--route' ? /^hint  use --route 'GLOB=URL'/ : args[0] === '--reorder-window' ? /^hint  e\.g\. --reorder-window 250$/ : /^hint  /);
    expect(rest).toEqual([]);
    expect(result.stdout).toBe('');
  });
});

describe('--dry-run and --list spawn nothing', () => {
  it('--dry-run prints the exact commands', async () => {
    const result = await runCli(['trigger-flow', 'invoice-void', '--dry-run', '--step-timeout', '5', '--stripe-account', 'acct_123', '--api-base', 'http://127.0.0.1:12111', '--stripe-bin', '/nonexistent/stripe']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      '# flow invoice-void (built-in): 2 steps — an invoice is finalized and then voided',
      '# the API key reaches every stripe process in STRIPE_API_KEY, never on its command line',
      "# stripe listen forwards to stripe-hooks' relay (127.0.0.1; its port and token are picked at start), which delivers to http://localhost:4242/webhook",
      "stripe listen --forward-to 'http://127.0.0.1:<relay-port>/<token>/forward' --forward-connect-to 'http://127.0.0.1:<relay-port>/<token>/connect' --events invoice.finalized,invoice.voided --skip-update --api-base http://127.0.0.1:12111 &",
      '# once it prints Ready, one step at a time:',
      'stripe trigger invoice.finalized --stripe-account acct_123 --api-base http://127.0.0.1:12111  # step 1: then wait up to 5 s for invoice.finalized to be forwarded and answered 2xx',
      'stripe trigger invoice.voided --stripe-account acct_123 --api-base http://127.0.0.1:12111  # step 2: then wait up to 5 s for invoice.voided to be forwarded and answered 2xx',
    ]);
  });

  it('--dry-run of a file flow quotes what the shell would split, and shows observed steps; --json', async () => {
    const box = withFile('flow.json', JSON.stringify({ name: 'refund', steps: [{ event: 'charge.refunded', override: ['charge:description=two words'] }, { event: 'charge.refund.updated', observe: true, timeout: 9 }] }));
    const human = await runCli(['trigger-flow', '--file', 'flow.json', '--dry-run', '--no-listen'], { box });
    expect(human.stdout.split('\n').slice(2)).toEqual([
      '# --no-listen: triggers only, deliveries are not checked',
      "stripe trigger charge.refunded --override 'charge:description=two words'  # step 1",
      '# step 2: no trigger — charge.refund.updated comes from an earlier step (not checked)',
    ]);
    const json = await runCli(['trigger-flow', '--file', 'flow.json', '--dry-run', '--json', '--forward-to', 'localhost:3000/hooks', '--route', 'charge.refund.*=localhost:4000/refunds'], { box });
    expect(JSON.parse(json.stdout)).toEqual({
      flow: 'refund',
      dryRun: true,
      listen: [
        'stripe',
        'listen',
        '--forward-to',
        'http://127.0.0.1:<relay-port>/<token>/forward',
        '--forward-connect-to',
        'http://127.0.0.1:<relay-port>/<token>/connect',
        '--events',
        'charge.refunded,charge.refund.updated',
        '--skip-update',
      ],
      relay: { forwardTo: 'http://localhost:3000/hooks', eventsFrom: 'all', routes: [{ glob: 'charge.refund.*', url: 'http://localhost:4000/refunds' }] },
      steps: [
        { event: 'charge.refunded', trigger: 'charge.refunded', command: ['stripe', 'trigger', 'charge.refunded', '--override', 'charge:description=two words'], timeoutMs: 30000 },
        { event: 'charge.refund.updated', trigger: null, command: null, timeoutMs: 9000 },
      ],
    });
  });

  it('--list shows built-in and config flows; --json lists them in full', async () => {
    const box = withFile('stripe-hooks.config.yaml', 'flows:\n  refund:\n    description: a refund\n    steps: [charge.refunded]\n');
    const human = await runCli(['trigger-flow', '--list'], { box });
    expect(human.exitCode).toBe(0);
    expect(human.stdout.split('\n').slice(0, 3)).toEqual([
      'flow          steps  source                    description',
      'refund        1      stripe-hooks.config.yaml  a refund',
      'payment       9      built-in                  a subscription invoice paid by a payment that needs action, then settles and pays out',
    ]);
    const json = JSON.parse((await runCli(['trigger-flow', '--list', '--json'], { box })).stdout) as { flows: { name: string; steps: unknown[] }[] };
    expect(json.flows.map((flow) => flow.name)).toEqual(['refund', 'payment', 'subscription', 'invoice', 'invoice-void']);
    expect(json.flows[0]).toEqual({ name: 'refund', description: 'a refund', source: 'stripe-hooks.config.yaml', steps: [{ event: 'charge.refunded' }] });
  });
});

describe('running without a listener, and environment failures', () => {
  it('--no-listen fires the triggers only and says the run is unverified', async () => {
    fake = await startFakeStripe();
    const result = await runCli(['trigger-flow', 'invoice-void', '--no-listen', '--json', ...globalArgs(fake.url)], { env: KEY_ENV });
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as { mode: string; ok: boolean; steps: { ok: boolean; eventId: null }[] };
    expect(report).toMatchObject({ mode: 'unverified', ok: true, steps: [{ ok: true, eventId: null }, { ok: true, eventId: null }] });
    expect(fake.sessions).toEqual([]);
    expect(fake.events.map((e) => e.type)).toContain('invoice.voided');
  });

  it('a second run does not prove the same Stripe CLI again (no `version`, no `trigger --help`); a replaced one is', async () => {
    fake = await startFakeStripe();
    const box = sandbox();
    const log = join(box.home, 'calls.log');
    const wrapper = join(box.home, 'stripe');
    const wrap = (note: string) => writeFileSync(wrapper, `#!/bin/sh\n# ${note}\necho "$1 $2" >> '${log}'\nexec '${STRIPE_BIN}' "$@"\n`, { mode: 0o755 });
    const run = async () => {
      const result = await runCli(['trigger-flow', 'invoice-void', '--no-listen', '--api-base', fake!.url, '--stripe-bin', wrapper], { box, env: KEY_ENV });
      expect(result.exitCode).toBe(0);
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      rmSync(log);
      return calls;
    };
    wrap('first');
    expect((await run()).sort()).toEqual(['trigger --help', 'trigger invoice.finalized', 'trigger invoice.voided', 'version '].sort());
    expect(await run()).toEqual(['trigger invoice.finalized', 'trigger invoice.voided']);
    wrap('replaced by a longer script');
    expect((await run()).sort()).toEqual(['trigger --help', 'trigger invoice.finalized', 'trigger invoice.voided', 'version '].sort());
  });

  it('a failing stripe trigger fails its step with the CLI\'s reason (exit 1); a rejected key is exit 3', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    fake.failPath('/v1/invoiceitems', 402, { error: { type: 'card_error', message: 'injected' } });
    const failed = await runCli(['trigger-flow', 'invoice-void', '--forward-to', receiver.url, ...globalArgs(fake.url)], { env: KEY_ENV });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(/^1 +invoice\.finalized +invoice\.finalized +- +- +\d+ +FAIL stripe trigger failed: Request failed, status=402$/m);
    expect(failed.stdout).toMatch(/^2 +invoice\.voided .* skipped$/m);

    const other = await startFakeStripe({ apiKeys: ['sk_test_the_only_valid_key'] });
    const rejected = await runCli(['trigger-flow', 'invoice-void', '--forward-to', receiver.url, ...globalArgs(other.url)], { env: KEY_ENV });
    await other.close();
    expect(rejected.exitCode).toBe(3);
    expect(rejected.stderr).toMatch(/^error Stripe rejected the API key .*\nhint  check STRIPE_API_KEY/);
    expect(rejected.stderr).not.toContain(TEST_API_KEY);
  });

  it('no Stripe CLI on PATH, in node_modules or the cache: exit 3 pointing at setup', async () => {
    const box = sandbox({ PATH: join(sandbox().home, 'empty') });
    const result = await runCli(['trigger-flow', 'payment'], { box, env: KEY_ENV });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/^error Stripe CLI not found\nhint  run `stripe-hooks setup`/);
  });
});

describe('Ctrl+C', () => {
  it('in the middle of a trigger: exit 130, the trigger and the listener stopped', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    proxy = await holdingProxy(fake.url, /^POST \/v1\/customers\/cus_/); // the customer.updated fixture's update call hangs
    const box = withFile('flow.yaml', 'steps: [customer.created, customer.updated]\n');
    const cli = startCli(['trigger-flow', '--file', 'flow.yaml', '--forward-to', receiver.url, '--verbose', ...globalArgs(proxy.url)], { box, env: KEY_ENV });
    await proxy.held.waitFor(() => true, 'the held update call');
    const children = childPids(cli.child.pid!);
    // stripe listen and stripe trigger; under load the binary's low-priority proof (`stripe version`) may still run too.
    const commands = children.map((pid) => commandLine(pid).slice(1, 3).join(' '));
    expect(commands).toEqual(expect.arrayContaining([expect.stringMatching(/^listen\b/), 'trigger customer.updated']));
    cli.child.kill('SIGINT');
    const result = await cli.child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/error Interrupted$/);
    expect(children.filter(isRunning)).toEqual([]);
  });
});
