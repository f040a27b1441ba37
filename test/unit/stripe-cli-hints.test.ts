/**
 * Hints that fit what this run used: the Stripe CLI named as the user can run it (`stripe login` only when `stripe`
 * on PATH is that very binary, else its path, quoted), keys asked for in STRIPE_API_KEY (never the CLI's --api-key;
 * the library's apiKey option beside it), and --api-base named only when one was given. Binaries are real files in
 * temp dirs, PATH a real search path; Windows runs with the platform passed in.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_NAMES, LIBRARY_NAMES, type OptionNames } from '../../src/lib/option-name.js';
import { resolveApiKey, toHooksError } from '../../src/stripe-api/client.js';
import { spawnStripeListen } from '../../src/stripe-cli/listen.js';
import { loginCommand } from '../../src/stripe-cli/login-hint.js';
import { cliFailure, StripeCliError, type StripeTarget } from '../../src/stripe-cli/spawn.js';
import { tempDir } from '../support/cli.js';
import { writeFile, writeStandIn } from '../support/stand-ins.js';

const linux = { os: 'linux' as const, arch: 'x64' };
const win32 = { os: 'win32' as const, arch: 'x64' };
const NO_KEY = 'You have not configured API keys yet. Running this command with the --api-key flag will work.';
const REFUSED = 'Authorization failed, status=401, body={"error":{"message":"Invalid API Key provided: sk_test_****"}}';
const UNREACHABLE = 'Post "http://127.0.0.1:9/v1/stripecli/sessions": dial tcp 127.0.0.1:9: connect: connection refused';

/** A home with the Stripe CLI where setup installs it, a PATH directory with another, and one elsewhere. */
function machine() {
  const root = tempDir('stripe-hooks-hints-');
  const cache = writeStandIn(join(root, 'home', '.cache', 'stripe-hooks', 'stripe-cli', '1.52.0', 'stripe'), '1.52.0');
  const onPath = writeStandIn(join(root, 'bin', 'stripe'), '1.52.0');
  const elsewhere = writeStandIn(join(root, 'opt', 'stripe cli', 'stripe'), '1.52.0');
  const cwd = join(root, 'app');
  mkdirSync(cwd);
  const env: NodeJS.ProcessEnv = { HOME: join(root, 'home'), PATH: `/nonexistent:${join(root, 'bin')}:/usr/bin` };
  return { root, cache, onPath, elsewhere, cwd, env };
}

describe('loginCommand: how the user logs in the binary stripe-hooks used', () => {
  it('`stripe login` when the binary is the first `stripe` on PATH', () => {
    const m = machine();
    expect(loginCommand(m.onPath, m, linux)).toBe('stripe login');
  });

  it('`stripe login` when PATH reaches that same file through a symlink, or a relative PATH entry', () => {
    const m = machine();
    const links = join(m.root, 'links');
    mkdirSync(links);
    symlinkSync(m.cache, join(links, 'stripe'));
    expect(loginCommand(m.cache, { ...m, env: { PATH: links } }, linux)).toBe('stripe login');
    expect(loginCommand(m.onPath, { cwd: m.root, env: { PATH: 'bin' } }, linux)).toBe('stripe login');
  });

  it('its path when it is in the cache (on no PATH), given elsewhere, or shadowed by an earlier `stripe`', () => {
    const m = machine();
    expect(loginCommand(m.cache, m, linux)).toBe(`${m.cache} login`);
    expect(loginCommand(m.elsewhere, m, linux)).toBe(`'${m.elsewhere}' login`); // a space in it: quoted for sh
    const shadowing = { ...m, env: { PATH: `${join(m.root, 'bin')}:${join(m.root, 'opt', 'stripe cli')}` } };
    expect(loginCommand(m.elsewhere, shadowing, linux)).toBe(`'${m.elsewhere}' login`);
    expect(loginCommand(m.onPath, { ...m, env: {} }, linux)).toBe(`${m.onPath} login`);
  });

  it("a node_modules/.bin that npm put on PATH for this run is not the user's PATH", () => {
    const m = machine();
    const shim = writeStandIn(join(m.cwd, 'node_modules', '.bin', 'stripe'), '1.52.0');
    expect(loginCommand(shim, { ...m, env: { PATH: join(m.cwd, 'node_modules', '.bin') } }, linux)).toBe(`${shim} login`);
  });

  it('Windows: stripe.exe on Path (any case, `;`-separated) is `stripe login`; elsewhere its path, double-quoted when needed', () => {
    const m = machine();
    const exe = writeFile(join(m.root, 'win bin', 'stripe.exe'), 'MZ');
    const plain = writeFile(join(m.root, 'winbin', 'stripe.exe'), 'MZ');
    expect(loginCommand(exe, { cwd: m.cwd, env: { Path: `C:\\nowhere;${join(m.root, 'win bin')}` } }, win32)).toBe('stripe login');
    expect(loginCommand(m.onPath, { cwd: m.cwd, env: { Path: join(m.root, 'bin') } }, win32)).toBe(`${m.onPath} login`); // no stripe.exe there
    expect(loginCommand(exe, { cwd: m.cwd, env: {} }, win32)).toBe(`"${exe}" login`);
    expect(loginCommand(plain, { cwd: m.cwd, env: {} }, win32)).toBe(`${plain} login`);
  });
});

describe('the Stripe CLI failures\' hints', () => {
  const target = (bin: string, m: ReturnType<typeof machine>, extra: Partial<StripeTarget> = {}): StripeTarget => ({ bin, env: m.env, cwd: m.cwd, ...extra });
  const hint = (message: string, t: StripeTarget) => cliFailure('listen', message, 'exited with code 1', t).hint;

  it('no key: STRIPE_API_KEY, or log in the binary that was found (PATH, the cache, --stripe-bin)', () => {
    const m = machine();
    expect(hint(NO_KEY, target(m.onPath, m))).toBe('set STRIPE_API_KEY to a test key (sk_test_… or rk_test_…), or run `stripe login`');
    expect(hint(NO_KEY, target(m.cache, m))).toBe(`set STRIPE_API_KEY to a test key (sk_test_… or rk_test_…), or run \`${m.cache} login\``);
    expect(hint(NO_KEY, target(m.elsewhere, m))).toBe(`set STRIPE_API_KEY to a test key (sk_test_… or rk_test_…), or run \`'${m.elsewhere}' login\``);
  });

  it('no key, from the library: its apiKey option beside STRIPE_API_KEY', () => {
    const m = machine();
    expect(hint(NO_KEY, target(m.onPath, m, { names: LIBRARY_NAMES }))).toBe('set STRIPE_API_KEY (or pass apiKey) to a test key (sk_test_… or rk_test_…), or run `stripe login`');
  });

  it('a refused key: the place it came from; the one `stripe login` saved: log in again', () => {
    const m = machine();
    const key = 'sk_test_51RefusedKey';
    expect(hint(REFUSED, target(m.cache, { ...m, env: { ...m.env, STRIPE_API_KEY: key } }, { apiKey: key }))).toBe('check STRIPE_API_KEY: use a secret (sk_test_…) or restricted (rk_test_…) key');
    expect(hint(REFUSED, target(m.cache, m, { apiKey: key }))).toBe('check --api-key: use a secret (sk_test_…) or restricted (rk_test_…) key');
    expect(hint(REFUSED, target(m.cache, m, { apiKey: key, names: LIBRARY_NAMES }))).toBe('check apiKey: use a secret (sk_test_…) or restricted (rk_test_…) key');
    expect(hint(REFUSED, target(m.cache, m))).toBe(`the key \`stripe login\` saved was refused: run \`${m.cache} login\` again, or set STRIPE_API_KEY to a test key (sk_test_… or rk_test_…)`);
  });

  it('unreachable: --api-base named only when one was given, with its URL', () => {
    const m = machine();
    const apiBase = new URL('http://127.0.0.1:12111');
    expect(hint(UNREACHABLE, target(m.onPath, m))).toBe('check your network connection');
    expect(hint(UNREACHABLE, target(m.onPath, m, { apiBase }))).toBe('check that the server at http://127.0.0.1:12111 (--api-base) is running');
    expect(hint(UNREACHABLE, target(m.onPath, m, { apiBase, names: LIBRARY_NAMES }))).toBe('check that the server at http://127.0.0.1:12111 (apiBase) is running');
    const timeout = (t: StripeTarget) => new StripeCliError('timeout', 'stripe trigger did not finish within 30 s', { target: t, names: t.names }).hint;
    expect(timeout(target(m.onPath, m))).toBe('check the network, or allow more time');
    expect(timeout(target(m.onPath, m, { apiBase }))).toBe('check that the server at http://127.0.0.1:12111 (--api-base) is up, or allow more time');
  });

  it('no hint suggests --api-key, and none names --api-base unless it was given', () => {
    const m = machine();
    for (const message of [NO_KEY, REFUSED, UNREACHABLE, 'something else']) {
      for (const bin of [m.onPath, m.cache, m.elsewhere]) {
        const text = hint(message, target(bin, m, { names: CLI_NAMES }));
        expect(text ?? '').not.toMatch(/--api-key|--api-base|apiBase/);
      }
    }
  });

  it('stripe listen never ready: the Stripe API, or the --api-base server when one was given', async () => {
    const m = machine();
    const silent = writeFile(join(m.root, 'silent', 'stripe'), '#!/bin/sh\nexec sleep 30\n');
    const ready = async (extra: Partial<StripeTarget>) =>
      spawnStripeListen({ target: target(silent, m, extra), forwardTo: 'http://127.0.0.1:1/forward', events: ['charge.succeeded'], readyTimeoutMs: 200, graceMs: 100 }).catch(
        (error: unknown) => error as StripeCliError,
      );
    expect(await ready({})).toMatchObject({ message: 'stripe listen was not ready within 0.2 s', hint: 'check that the Stripe API is reachable, or raise --ready-timeout' });
    expect(await ready({ apiBase: new URL('http://localhost:12111/') })).toMatchObject({
      hint: 'check that the server at http://localhost:12111 (--api-base) is reachable, or raise --ready-timeout',
    });
    expect(await ready({ names: LIBRARY_NAMES })).toMatchObject({ hint: 'check that the Stripe API is reachable' });
  });
});

describe('the Stripe API (SDK) errors\' hints', () => {
  const sdkError = (type: string) => Object.assign(new Error('boom'), { type, statusCode: type === 'StripeAuthenticationError' ? 401 : undefined });
  const hintOf = (error: unknown) => (error as { hint?: string }).hint;

  it.each<[string, OptionNames, string]>([
    ['the CLI', CLI_NAMES, 'set STRIPE_API_KEY to a test key (sk_test_… or rk_test_…)'],
    ['the library', LIBRARY_NAMES, 'set STRIPE_API_KEY (or pass apiKey) to a test key (sk_test_… or rk_test_…)'],
  ])('no key, from %s', async (_surface, names, expected) => {
    expect(hintOf(await resolveApiKey(undefined, { names }).catch((error: unknown) => error))).toBe(expected);
  });

  it('an invalid key: STRIPE_API_KEY (and the library\'s option), never --api-key', () => {
    expect(hintOf(toHooksError(sdkError('StripeAuthenticationError')))).toBe(
      'set STRIPE_API_KEY to a valid secret (sk_…) or restricted (rk_…) key: keys are at https://dashboard.stripe.com/apikeys',
    );
    expect(hintOf(toHooksError(sdkError('StripeAuthenticationError'), undefined, LIBRARY_NAMES))).toMatch(/^set STRIPE_API_KEY \(or pass apiKey\) to a valid/);
  });

  it('unreachable: --api-base (or apiBase) only when one was given', () => {
    expect(hintOf(toHooksError(sdkError('StripeConnectionError')))).toBe('check the network; the request was retried');
    const apiBase = new URL('http://127.0.0.1:12111');
    expect(toHooksError(sdkError('StripeConnectionError'), apiBase)).toMatchObject({
      message: 'cannot reach the Stripe API at 127.0.0.1:12111',
      hint: 'check that the server at http://127.0.0.1:12111 (--api-base) is running; the request was retried',
    });
    expect(hintOf(toHooksError(sdkError('StripeConnectionError'), apiBase, LIBRARY_NAMES))).toBe('check that the server at http://127.0.0.1:12111 (apiBase) is running; the request was retried');
  });
});
