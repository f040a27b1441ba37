/**
 * The GitHub Action (action.yml) run step by step as a runner would (test/support/action-runner.ts): its committed
 * bundle (action/dist, `npm run build:action`) from a copy of the action with no node_modules, against a receiver
 * on 127.0.0.1 that verifies every delivery with the SDK's constructEvent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';
import { loadAction, parseOutputFile, runAction, type ActionRun } from '../support/action-runner.js';
import { registryEnv, startFakeRegistry } from '../support/fake-registry.js';
import { npmPackageTarball, realStripeBinary } from '../support/tar.js';
import { foreignCommands, hostileRecording, INJECTIONS } from '../support/hostile.js';
import { startReceiver, type Receiver, type ReceiverOptions } from '../support/receiver.js';

const secret = 'whsec_actionSecret0123456789abcdefXYZ';
const apiKey = 'sk_test_actionKey0123456789abcdefghijklmnop';
let receiver: Receiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function app(options: ReceiverOptions = {}): Promise<Receiver> {
  receiver = await startReceiver({ secret, ...options });
  return receiver;
}

interface Report { ok: boolean; mode: string; seed?: number; steps: { ok: boolean; eventId: string | null; failure?: string }[]; audit?: { ok: boolean; checks: unknown[] }; error?: { code: string; exitCode: number; message: string } }
const readReport = (run: ActionRun): Report => JSON.parse(readFileSync(run.outputs.report ?? '', 'utf8')) as Report;

/** Neither argv nor the log (before the runner's masking) nor the outputs carry the value. */
function expectKeptSecret(run: ActionRun, value: string): void {
  expect(run.nodeCalls.flat().join(' ')).not.toContain(value);
  expect(run.log).not.toContain(value);
  expect(JSON.stringify(run.outputs) + run.summary).not.toContain(value);
}

describe('action.yml', () => {
  it('is a composite action with the documented inputs and outputs, and no expression inside a script', () => {
    const action = loadAction();
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(['flow', 'forward-to', 'offline', 'audit', 'secret', 'api-key', 'report-html', 'args']);
    expect(action.inputs['forward-to']?.required).toBe(true);
    expect([action.inputs.flow?.default, action.inputs.offline?.default, action.inputs.audit?.default, action.inputs['report-html']?.default]).toEqual(['payment', 'true', 'false', 'true']);
    expect(Object.keys(action.outputs)).toEqual(['ok', 'report', 'report-html']);
    for (const step of action.runs.steps) {
      expect(step.run).not.toContain('${{'); // every input reaches the script through env:, never as script text
      expect(step.shell).toBe('bash');
    }
  });

  it('runs the offline payment flow with its own bundle, no npx: ok=true, a report with 9 passing steps', async () => {
    const rx = await app();
    const run = await runAction({ 'forward-to': rx.url, secret });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs.ok).toBe('true');
    expect(run.outputs.report).toMatch(/\/temp\/stripe-hooks\.\w+\/report\.json$/);
    const report = readReport(run);
    expect(report).toMatchObject({ ok: true, mode: 'offline' });
    expect(report.steps).toHaveLength(9);
    expect(rx.deliveries.filter((d) => d.verified)).toHaveLength(9);
    const html = run.outputs['report-html'] ?? '';
    expect(html).toBe(join(dirname(run.outputs.report ?? ''), 'report.html'));
    expect(run.cliCalls).toEqual([['--json', 'trigger-flow', 'payment', '--forward-to', rx.url, '--offline', '--report-html', html]]);
    expect(run.npxCalls).toEqual([]);
    // The page the bundle wrote from its own copy of the inspector's files: every delivery, nothing fetched, no secret.
    const page = readFileSync(html, 'utf8');
    expect(page).toContain("default-src 'none'");
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    for (const delivery of rx.deliveries) expect(page).toContain(delivery.event?.id ?? 'an event id');
    expect(page).not.toContain(secret);
    expect(run.log).toContain('payment: passed (offline) — 9 of 9 steps passed');
    expect(run.summary).toContain('| 9 | transfer.created |');
    expect(run.masks).toEqual([secret]);
    expectKeptSecret(run, secret);
  });

  it('fails the step when the app fails, after writing ok=false and the report', async () => {
    const rx = await app({ status: { 'charge.succeeded': 500 } });
    const run = await runAction({ 'forward-to': rx.url, secret });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.ok).toBe('false');
    const report = readReport(run);
    expect(report.ok).toBe(false);
    expect(report.steps.filter((s) => s.ok)).toHaveLength(6);
    // The HTML report is written for a failed run too: that is when it is read.
    expect(readFileSync(run.outputs['report-html'] ?? '', 'utf8')).toContain('charge.succeeded');
    expect(run.log).toMatch(/step 7 charge\.succeeded: the app answered 500/);
    // The steps fail-fast skipped (failure "skipped") are not failures of their own: no log line, "skipped" in the table.
    expect(report.steps.slice(7).map((s) => s.failure)).toEqual(['skipped', 'skipped']);
    expect(run.log).not.toMatch(/^step [89] /m);
    expect(run.summary).toMatch(/^\| 8 \| [\w.\\]+ \| - \| - \| 0 \| skipped \|$/m); // `_` escaped: payment\_intent
    expectKeptSecret(run, secret);
  });

  it('takes STRIPE_WEBHOOK_SECRET from the job when the secret input is empty, and runs the audit', async () => {
    const rx = await app();
    const run = await runAction({ 'forward-to': rx.url, audit: 'true' }, { STRIPE_WEBHOOK_SECRET: secret });
    expect(run.exitCode, run.log).toBe(0);
    const report = readReport(run);
    expect(report.audit).toMatchObject({ ok: true });
    expect(report.audit?.checks).toHaveLength(7);
    expect(run.cliCalls[0]).toContain('--audit');
    expect(run.log).toContain('audit: passed — 7 of 7 checks passed');
    expectKeptSecret(run, secret);
  });

  it('generates and masks a secret when none is given: a verifying app refuses it', async () => {
    const rx = await app();
    const run = await runAction({ 'forward-to': rx.url });
    expect(run.outputs.ok).toBe('false');
    expect(run.exitCode).toBe(1);
    expect(run.masks).toHaveLength(1);
    expect(run.masks[0]).toMatch(/^whsec_[0-9a-f]{32}$/);
    expectKeptSecret(run, run.masks[0] ?? '');
    expect(rx.deliveries[0]?.verified).toBe(false);
  });

  it('writes no HTML report with report-html: false, and refuses a malformed one before running', async () => {
    const rx = await app();
    const run = await runAction({ 'forward-to': rx.url, secret, 'report-html': 'false' });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.cliCalls[0]).not.toContain('--report-html');
    expect(run.outputs['report-html']).toBe('');
    expect(existsSync(join(dirname(run.outputs.report ?? ''), 'report.html'))).toBe(false);

    const bad = await runAction({ 'forward-to': rx.url, secret, 'report-html': 'yes' });
    expect(bad.exitCode).toBe(2);
    expect(bad.log).toContain('input report-html must be true or false');
    expect(bad.cliCalls).toEqual([]);
  });

  it('passes args through split on whitespace, with no shell expansion', async () => {
    const rx = await app();
    const run = await runAction({ 'forward-to': rx.url, secret, args: '--seed 7\n  --duplicate' });
    expect(run.exitCode, run.log).toBe(0);
    expect(readReport(run).seed).toBe(7);
    expect(run.cliCalls[0]?.slice(-3)).toEqual(['--seed', '7', '--duplicate']);

    const injected = await runAction({ 'forward-to': rx.url, secret, args: '$(touch pwned) *' });
    expect(injected.exitCode).toBe(2);
    expect(injected.cliCalls[0]?.slice(-3)).toEqual(['$(touch', 'pwned)', '*']); // no globbing either
    expect(readReport(injected).error).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE' });
    expect(existsSync(join(injected.workspace, 'pwned'))).toBe(false);
  });

  it('refuses a secret in args or flow, a flow that is no name or relative path, a malformed boolean, before running anything', async () => {
    const refused: Record<string, string>[] = [
      { args: '--secret whsec_inArgsIsVisible' }, { args: '--api-key=sk_test_x' }, { offline: 'yes' }, { audit: 'evil' },
      { flow: '--secret=whsec_inFlowIsVisible' }, { flow: '-sk_test_x' }, { flow: '/etc/evil' }, { flow: 'payment"; touch evil; "' }, { flow: '' },
    ];
    for (const inputs of refused) {
      const run = await runAction({ 'forward-to': 'http://127.0.0.1:9/webhook', ...inputs });
      expect(run.exitCode, JSON.stringify(inputs)).toBe(2);
      expect(run.cliCalls).toEqual([]);
      expect(run.commands.map((command) => command.name)).toEqual(['error']);
      expect(run.log).not.toMatch(/whsec_in|sk_test_x|evil/);
    }
  });

  it.each([
    ['a two-line secret input', { secret: `${secret}\n::error::pwned` }, {}],
    ['a secret input with a CR', { secret: `${secret}\r::warning::pwned` }, {}],
    ['an api-key input with a tab', { 'api-key': `${apiKey}\tpwned`, offline: 'false' }, {}],
    ['a two-line STRIPE_WEBHOOK_SECRET from the job', {}, { STRIPE_WEBHOOK_SECRET: `${secret}\n::add-mask::pwned` }],
  ])('refuses %s before anything runs, naming it but never echoing it', async (_what, inputs: Record<string, string>, jobEnv: NodeJS.ProcessEnv) => {
    const run = await runAction({ 'forward-to': 'http://127.0.0.1:9/webhook', ...inputs }, jobEnv);
    expect(run.exitCode).toBe(2);
    expect(run.cliCalls).toEqual([]);
    expect(run.commands).toEqual([{ name: 'error', properties: 'title=stripe-hooks', value: expect.stringMatching(/^input (secret|api-key) .* newline, space or control character/) as string }]);
    expect(run.log).not.toMatch(/pwned|whsec_|sk_test_/);
  });

  it('a recording whose event types and ids carry workflow commands runs none of them: only the action\'s own, the log and table intact', async () => {
    const rx = await app({ status: 500 }); // a failed step: its event type is in the log too
    for (const injection of INJECTIONS) {
      const run = await runAction({ 'forward-to': rx.url, secret, flow: 'hostile.ndjson', args: '--file hostile.ndjson' }, {}, { 'hostile.ndjson': hostileRecording(injection) });
      // The step fails (1); a CLI that refuses such a recording outright (2) is as good: the escaping must hold either way.
      expect([1, 2], run.log).toContain(run.exitCode);
      expect(run.log).toMatch(/^(step 1 charge\.succeeded|stripe-hooks: ERR_STRIPE_HOOKS_USAGE: )/m);
      expect(foreignCommands(run.commands, [secret]), `${JSON.stringify(injection)}\n${run.log}`).toEqual([]);
      expect(run.commands.map((command) => command.name)).toEqual(['add-mask', 'stop-commands', 'resume-commands']);
      expect(run.summary).not.toMatch(/[<>]/);
      expect(run.outputs).toEqual({ ok: 'false', report: expect.stringMatching(/report\.json$/) as string, 'report-html': run.exitCode === 1 ? (expect.stringMatching(/report\.html$/) as string) : '' });
      expectKeptSecret(run, secret);
    }
  });

  it('masks each secret before any other output, and writes outputs in the heredoc form with a random delimiter', async () => {
    const rx = await app();
    const run = await runAction({ 'forward-to': rx.url, secret, offline: 'true' }, { STRIPE_API_KEY: apiKey });
    expect(run.raw.split('\n').slice(0, 2)).toEqual([`::add-mask::${secret}`, `::add-mask::${apiKey}`]);
    expect(run.outputText).toMatch(/^ok<<ghadelimiter_[0-9a-f]{32}\ntrue\nghadelimiter_[0-9a-f]{32}\nreport<<ghadelimiter_[0-9a-f]{32}\n.*\nghadelimiter_[0-9a-f]{32}\nreport-html<<ghadelimiter_[0-9a-f]{32}\n.*\nghadelimiter_[0-9a-f]{32}\n$/);
  });

  it('live: sets up the Stripe CLI first with the key in env only; a failed setup is the report', async () => {
    const run = await runAction(
      { 'forward-to': 'http://127.0.0.1:9/webhook', offline: 'false', 'api-key': apiKey },
      { STRIPE_HOOKS_STRIPE_BIN: '/nonexistent/stripe' },
    );
    expect(run.exitCode).toBe(3);
    expect(run.outputs.ok).toBe('false');
    expect(run.cliCalls).toEqual([['setup', '--yes', '--json']]);
    expect(readReport(run).error).toMatchObject({ code: 'ERR_STRIPE_HOOKS_ENVIRONMENT' });
    expect(run.masks).toEqual([apiKey]);
    expectKeptSecret(run, apiKey);
  });

  it('refuses audit with offline: false before anything runs (the audit forges events with the offline secret)', async () => {
    const run = await runAction({ 'forward-to': 'http://127.0.0.1:9/webhook', offline: 'false', audit: 'true', 'api-key': apiKey });
    expect(run.exitCode).toBe(2);
    expect(run.cliCalls).toEqual([]);
    expect(run.commands).toEqual([
      { name: 'add-mask', properties: '', value: apiKey },
      { name: 'error', properties: 'title=stripe-hooks', value: expect.stringMatching(/^input audit needs offline: true/) as string },
    ]);
    expect(run.outputs.ok).toBe('');
  });

  it('live: the bundle installs the Stripe CLI through the runner\'s npm (a registry on 127.0.0.1), then runs the flow', async () => {
    const name = '@stripe/cli-linux-x64';
    const registry = await startFakeRegistry([{ name, version: '1.52.0', tarball: npmPackageTarball(name, '1.52.0', realStripeBinary()) }]);
    try {
      const cache = tempDir('stripe-hooks-action-cache-');
      // npm and the system's own tools (od, tr, mktemp: the action's script needs them, and the Node that runs the
      // tests may live in a directory of its own, as Node 24 does in CI): no `stripe`, nor the @stripe/cli shim npm
      // test puts on PATH.
      const tools = tempDir('stripe-hooks-tools-');
      symlinkSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim(), join(tools, 'npm'));
      const run = await runAction(
        { 'forward-to': 'http://127.0.0.1:9/webhook', offline: 'false', 'api-key': apiKey },
        // No Stripe API here: the live flow fails to reach it, after setup.
        { ...registryEnv(registry, join(cache, 'npm')), XDG_CACHE_HOME: cache, PATH: [tools, '/usr/bin', '/bin'].join(':'), STRIPE_HOOKS_API_BASE: 'http://127.0.0.1:9' },
      );
      expect(registry.tarballRequests(), run.log).toHaveLength(1);
      expect(existsSync(join(cache, 'stripe-hooks', 'stripe-cli', '1.52.0', 'stripe'))).toBe(true);
      expect(run.cliCalls.map((argv) => argv.slice(0, 3))).toEqual([['setup', '--yes', '--json'], ['--json', 'trigger-flow', 'payment']]);
      expect(run.exitCode, run.log).toBe(3);
      expect(run.outputs.ok).toBe('false');
      expect(readReport(run).error?.message).toMatch(/^cannot reach the Stripe API .*127\.0\.0\.1:9/); // the installed Stripe CLI's own words
      expectKeptSecret(run, apiKey);
    } finally {
      await registry.close();
    }
  });

  it('ships a bundle that is the CLI of this package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await execa(process.execPath, [join(ROOT, 'action', 'dist', 'stripe-hooks.mjs'), '--version'], { reject: false });
    expect(result.stdout).toBe(version);
  });

  it("runs the bundle's demo to the end: the example app is not also started as the standalone server", async () => {
    const bundle = join(ROOT, 'action', 'dist', 'stripe-hooks.mjs');
    const result = await execa(process.execPath, [bundle, '--json', 'demo'], { env: { STRIPE_WEBHOOK_SECRET: secret, PORT: '0' }, reject: false, timeout: 20_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
  });

  it('reads both forms of GITHUB_OUTPUT', () => {
    expect(parseOutputFile('ok=true\nreport<<EOF\na=b\nc\nEOF\n')).toEqual({ ok: 'true', report: 'a=b\nc' });
  });
});
