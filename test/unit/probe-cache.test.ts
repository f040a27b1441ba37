/**
 * The probe cache: a binary proven once (its `version`, its `trigger --help`
 * fixtures) is not run again until the file changes, with stand-in binaries that
 * log every invocation; corrupt or foreign entries are ignored; `setup`'s locate
 * still proves for real; and a cold start runs both probes at once.
 */
import { chmodSync, createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { findStripeCli, requireStripeCli } from '../../src/stripe-cli/locate.js';
import { binaryIdentity, checkBinaryCached, probeFile, readProbes } from '../../src/stripe-cli/probe-cache.js';
import { proveWithFixtures, triggerableEvents } from '../../src/stripe-cli/triggers.js';
import { tempDir } from '../support/cli.js';
import { writeFile } from '../support/stand-ins.js';
import { capturedContext } from '../support/test-context.js';

const HELP = 'Usage:\\n  stripe trigger <event>\\n\\nSupported events:\\n  invoice.created\\n  invoice.paid\\n\\nFlags:\\n  -h, --help\\n';

interface Box {
  dir: string;
  bin: string;
  env: NodeJS.ProcessEnv;
  /** Every invocation of the stand-in so far, as its argv joined by spaces. */
  calls(): string[];
  /** (Re)writes the stand-in; `version` and `help` are shell snippets run for those commands. */
  write(version: string, options?: { versionScript?: string; helpScript?: string }): void;
}

function box(): Box {
  const dir = tempDir('stripe-hooks-probes-');
  const log = join(dir, 'calls.log');
  const bin = join(dir, 'bin', 'stripe');
  const self: Box = {
    dir,
    bin,
    env: { HOME: join(dir, 'home'), PATH: '/usr/bin:/bin' },
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
    write: (version, { versionScript = `echo "stripe version ${version}"`, helpScript = `printf '${HELP}'` } = {}) =>
      void writeFile(bin, `#!/bin/sh\necho "$*" >> '${log}'\ncase "$1 $2" in\n  "version ") ${versionScript} ;;\n  "trigger --help") ${helpScript} ;;\n  *) exit 1 ;;\nesac\n`),
  };
  self.write('1.2.3');
  return self;
}

const check = (b: Box) => checkBinaryCached(b.bin, { env: b.env, cwd: b.dir });

let b: Box;
beforeEach(() => {
  b = box();
});

describe('checkBinaryCached', () => {
  it('a binary proven once is not run again', async () => {
    expect(await check(b)).toEqual({ ok: true, path: b.bin, version: '1.2.3' });
    expect(await check(b)).toEqual({ ok: true, path: b.bin, version: '1.2.3' });
    expect(b.calls()).toEqual(['version']);
    const identity = (await binaryIdentity(b.bin))!;
    expect(await readProbes(b.env, identity)).toEqual({ version: '1.2.3' });
    expect(probeFile(b.env, identity).startsWith(join(b.env.HOME!, '.cache', 'stripe-hooks', 'probes'))).toBe(true);
  });

  it('XDG_CACHE_HOME moves the cache; another cache dir knows nothing', async () => {
    const xdg = { ...b.env, XDG_CACHE_HOME: join(b.dir, 'xdg') };
    await checkBinaryCached(b.bin, { env: xdg, cwd: b.dir });
    expect(existsSync(join(b.dir, 'xdg', 'stripe-hooks', 'probes'))).toBe(true);
    await check(b);
    expect(b.calls()).toEqual(['version', 'version']);
  });

  it('a replaced binary (other size and mtime) is proven again', async () => {
    await check(b);
    b.write('1.2.40');
    expect(await check(b)).toMatchObject({ ok: true, version: '1.2.40' });
    expect(b.calls()).toEqual(['version', 'version']);
  });

  it('a chmod changes ctime: a binary no longer executable is reported, not the cached version', async () => {
    await check(b);
    chmodSync(b.bin, 0o644);
    expect(await check(b)).toMatchObject({ ok: false, problem: 'not-executable' });
  });

  it('a corrupt entry, or one for another file, is ignored (and replaced)', async () => {
    await check(b);
    const identity = (await binaryIdentity(b.bin))!;
    const file = probeFile(b.env, identity);
    writeFileSync(file, '{"binary": {"path": ');
    expect(await check(b)).toMatchObject({ ok: true, version: '1.2.3' });
    writeFileSync(file, JSON.stringify({ binary: { ...identity, size: identity.size + 1 }, version: '9.9.9' }));
    expect(await check(b)).toMatchObject({ ok: true, version: '1.2.3' });
    writeFileSync(file, JSON.stringify({ binary: identity, version: ['1.2.3'], triggerable: 'invoice.paid' }));
    expect(await check(b)).toMatchObject({ ok: true, version: '1.2.3' });
    expect(b.calls()).toEqual(['version', 'version', 'version', 'version']);
    expect(await readProbes(b.env, identity)).toEqual({ version: '1.2.3' });
  });

  it('a failure is never remembered', async () => {
    b.write('1.2.3', { versionScript: 'exit 3' });
    expect(await check(b)).toMatchObject({ ok: false, problem: 'fails' });
    expect(await check(b)).toMatchObject({ ok: false, problem: 'fails' });
    expect(b.calls()).toEqual(['version', 'version']);
  });
});

describe('who uses it', () => {
  it('requireStripeCli does; the plain locate (what `setup` runs) proves the binary every time', async () => {
    const ctx = capturedContext({ cwd: b.dir, env: b.env, stripeBin: b.bin });
    expect(await requireStripeCli(ctx)).toMatchObject({ version: '1.2.3' });
    expect(await requireStripeCli(ctx)).toMatchObject({ version: '1.2.3' });
    expect(b.calls()).toEqual(['version']);
    expect((await findStripeCli({ cwd: b.dir, env: b.env, stripeBin: b.bin })).found?.version).toBe('1.2.3');
    expect(b.calls()).toEqual(['version', 'version']);
  });

  it('the fixture list is read once per binary file, then served from disk (a fresh process: modules reset)', async () => {
    const target = { bin: b.bin, env: b.env, cwd: b.dir };
    const first = await import('../../src/stripe-cli/triggers.js');
    expect([...(await first.triggerableEvents(target))]).toEqual(['invoice.created', 'invoice.paid']);
    vi.resetModules();
    const second = await import('../../src/stripe-cli/triggers.js');
    expect(second).not.toBe(first);
    expect([...(await second.triggerableEvents(target))]).toEqual(['invoice.created', 'invoice.paid']);
    expect(b.calls()).toEqual(['trigger --help']);

    b.write('1.2.3', { helpScript: `printf 'Supported events:\\n  invoice.voided\\n'` });
    vi.resetModules();
    const third = await import('../../src/stripe-cli/triggers.js');
    expect([...(await third.triggerableEvents(target))]).toEqual(['invoice.voided']);
    expect(b.calls()).toEqual(['trigger --help', 'trigger --help']);
  });
});

describe('proveWithFixtures (trigger-flow)', () => {
  it('on a cold start runs `version` and `trigger --help` at the same time', { timeout: 10_000 }, async () => {
    // `version` reads what `trigger --help` writes into a FIFO: run one after the other, it would wait forever.
    const fifo = join(b.dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    b.write('1.2.3', { versionScript: `read said < '${fifo}'; echo "stripe version $said"`, helpScript: `echo 1.2.5 > '${fifo}'; printf '${HELP}'` });
    const ctx = capturedContext({ cwd: b.dir, env: b.env, stripeBin: b.bin });
    expect(await requireStripeCli(ctx, proveWithFixtures)).toMatchObject({ version: '1.2.5' });
    const identity = (await binaryIdentity(b.bin))!;
    expect([...(await triggerableEvents({ bin: b.bin, env: b.env, cwd: b.dir }))]).toEqual(['invoice.created', 'invoice.paid']);
    expect(await readProbes(b.env, identity)).toEqual({ version: '1.2.5', triggerable: ['invoice.created', 'invoice.paid'] });
    expect(b.calls().sort()).toEqual(['trigger --help', 'version']);
  });

  it('stops the fixture read of a binary that fails its check', { timeout: 10_000 }, async () => {
    // `trigger --help` holds a FIFO open until it is killed: the reader sees the end then. `version`
    // fails only once it holds it (told through a second FIFO), so the read is surely under way.
    const [held, holding] = [join(b.dir, 'held'), join(b.dir, 'holding')];
    execFileSync('mkfifo', [held, holding]);
    b.write('1.2.3', { versionScript: `read x < '${holding}'; exit 5`, helpScript: `exec 3>'${held}'; echo yes > '${holding}'; exec sleep 600` });
    const closed = new Promise<void>((resolve) => createReadStream(held).on('data', () => {}).on('end', () => resolve()));
    const ctx = capturedContext({ cwd: b.dir, env: b.env, stripeBin: b.bin });
    await expect(requireStripeCli(ctx, proveWithFixtures)).rejects.toBeInstanceOf(EnvironmentError);
    await closed;
  });
});
