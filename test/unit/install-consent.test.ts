/**
 * When `setup` may install a missing Stripe CLI: asks on a terminal (the prompt
 * module replaced, as src/prompt.ts intends), installs with --yes or CI=true,
 * refuses with the exact command otherwise. The command runs in-process; the
 * install is real, from a local release server.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SetupCommandOptions } from '../../src/commands/setup/definition.js';
import { EnvironmentError } from '../../src/errors.js';
import { installDecision } from '../../src/installer/consent.js';
import { releaseAssets } from '../../src/installer/platform.js';
import { tempDir } from '../support/cli.js';
import { checksumsFile, startReleaseServer } from '../support/release-server.js';
import type { StaticServer } from '../support/static-server.js';
import { buildTarGz, standInStripe } from '../support/tar.js';
import { capturedContext } from '../support/test-context.js';
import { writeStandIn } from '../support/stand-ins.js';

const prompt = vi.hoisted(() => ({ confirm: vi.fn(), secret: vi.fn() }));
vi.mock('../../src/ui/prompt.js', () => prompt);
const { run: setup } = await import('../../src/commands/setup/handler.js');

const { archive: ARCHIVE, checksums: CHECKSUMS } = releaseAssets('1.52.0', { os: 'linux', arch: 'x64' });
let server: StaticServer;
let home: string;

beforeEach(async () => {
  const archive = buildTarGz([{ name: 'stripe', data: standInStripe('1.52.0'), mode: 0o755 }]);
  server = await startReleaseServer('1.52.0', { [ARCHIVE]: archive, [CHECKSUMS]: checksumsFile({ [ARCHIVE]: archive }) });
  home = tempDir('stripe-hooks-home-');
  prompt.confirm.mockReset();
});
afterEach(() => server.close());

/** No Stripe CLI anywhere: empty PATH, a cwd without node_modules, an empty cache. */
function context(options: { canPrompt: boolean; env?: NodeJS.ProcessEnv }) {
  return capturedContext({ cwd: home, env: { HOME: home, PATH: '', ...options.env }, canPrompt: options.canPrompt, json: true });
}

const flags = (): SetupCommandOptions => ({ fromRelease: true, downloadBase: server.url });
const cached = () => join(home, '.cache', 'stripe-hooks', 'stripe-cli', '1.52.0', 'stripe');

function report(ctx: { stdout: () => string }) {
  return JSON.parse(ctx.stdout()) as { ok: boolean; stripeCli: { source: string; path: string } };
}

describe('consent to install a missing Stripe CLI', () => {
  it('on a terminal: asks, and installs on yes', async () => {
    prompt.confirm.mockResolvedValue(true);
    const ctx = context({ canPrompt: true });
    await setup(flags(), ctx);
    expect(prompt.confirm).toHaveBeenCalledOnce();
    expect(prompt.confirm.mock.calls[0]![0]).toBe(
      `The Stripe CLI was not found. Install version 1.52.0 from its GitHub release into ${join(home, '.cache', 'stripe-hooks', 'stripe-cli')}?`,
    );
    expect(report(ctx)).toMatchObject({ ok: true, stripeCli: { source: 'installed', path: cached() } });
    expect(existsSync(cached())).toBe(true);
  });

  it('on a terminal: installs nothing on no, exit 3 with the command to run', async () => {
    prompt.confirm.mockResolvedValue(false);
    const ctx = context({ canPrompt: true });
    const error = (await setup(flags(), ctx).catch((caught: unknown) => caught)) as EnvironmentError;
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('Stripe CLI not installed (declined)');
    expect(error.hint).toContain(`run \`npx stripe-hooks setup --yes --from-release --download-base ${server.url}\``);
    expect(server.requests).toEqual([]);
    expect(existsSync(join(home, '.cache'))).toBe(false);
  });

  it('--yes installs without asking', async () => {
    const ctx = context({ canPrompt: true });
    await setup({ ...flags(), yes: true }, ctx);
    expect(prompt.confirm).not.toHaveBeenCalled();
    expect(report(ctx).stripeCli.source).toBe('installed');
  });

  it('CI=true installs without asking', async () => {
    const ctx = context({ canPrompt: false, env: { CI: 'true' } });
    await setup(flags(), ctx);
    expect(prompt.confirm).not.toHaveBeenCalled();
    expect(existsSync(cached())).toBe(true);
  });

  it('no terminal, no --yes, no CI: exit 3 with the exact command, nothing asked or downloaded', async () => {
    const ctx = context({ canPrompt: false, env: { CI: 'false' } });
    const error = (await setup({}, ctx).catch((caught: unknown) => caught)) as EnvironmentError;
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('Stripe CLI not found');
    expect(error.hint).toBe(`run \`npx stripe-hooks setup --yes\` to install it into ${join(home, '.cache', 'stripe-hooks', 'stripe-cli')}, or pass --stripe-bin`);
    expect(prompt.confirm).not.toHaveBeenCalled();
    expect(server.requests).toEqual([]);
  });

  it('a Stripe CLI already there: no question, no install', async () => {
    const bin = writeStandIn(join(home, 'bin', 'stripe'), '1.50.0');
    const ctx = capturedContext({ cwd: home, env: { HOME: home, PATH: join(home, 'bin') }, canPrompt: true, json: true });
    await setup(flags(), ctx);
    expect(prompt.confirm).not.toHaveBeenCalled();
    expect(report(ctx).stripeCli).toEqual({ path: bin, source: 'PATH', version: '1.50.0' });
    expect(server.requests).toEqual([]);
    expect(readdirSync(home)).toEqual(['bin']);
  });
});

describe('installDecision', () => {
  it.each([
    [{ yes: true, force: false, ci: false, canPrompt: false }, 'install'],
    [{ yes: false, force: true, ci: false, canPrompt: true }, 'install'],
    [{ yes: false, force: false, ci: true, canPrompt: false }, 'install'],
    [{ yes: false, force: false, ci: false, canPrompt: true }, 'ask'],
    [{ yes: false, force: false, ci: false, canPrompt: false }, 'refuse'],
  ] as const)('%o -> %s', (input, expected) => {
    expect(installDecision(input)).toBe(expected);
  });
});
