/**
 * How a candidate binary is judged: missing, not executable, built for another
 * platform (told from its header, since spawn would hand such a file to /bin/sh),
 * failing, or working — with the real Stripe CLI as the working case.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executableFormat, platformMismatch, readHead } from '../../src/installer/platform.js';
import { checkBinary } from '../../src/stripe-cli/version.js';
import { STRIPE_BIN, tempDir } from '../support/cli.js';
import { FOREIGN_HEADERS, writeFile } from '../support/stand-ins.js';

const linux = { os: 'linux' as const, arch: 'x64' };

/** Checked from the file's own directory, so anything a mis-run file creates lands beside it. */
function check(path: string, options: { timeoutMs?: number } = {}) {
  return checkBinary(path, { env: { HOME: tempDir(), PATH: '/usr/bin:/bin' }, cwd: dirname(path), platform: linux, ...options });
}

describe('checkBinary', () => {
  it('the real Stripe CLI works and says its version', async () => {
    expect(await check(STRIPE_BIN)).toEqual({ ok: true, path: STRIPE_BIN, version: '1.52.0' });
  });

  it('a missing file', async () => {
    expect(await check('/nonexistent/stripe')).toMatchObject({ ok: false, problem: 'missing', detail: 'does not exist' });
  });

  it('a file without the executable bit', async () => {
    const path = writeFile(join(tempDir(), 'stripe'), '#!/bin/sh\necho "stripe version 1.52.0"\n', 0o644);
    expect(await check(path)).toMatchObject({ ok: false, problem: 'not-executable', detail: 'is not executable' });
  });

  it('a directory', async () => {
    const path = join(tempDir(), 'stripe');
    mkdirSync(path);
    expect(await check(path)).toMatchObject({ ok: false, problem: 'not-executable', detail: 'is a directory' });
  });

  it.each([
    ['linux-arm64 ELF', 'built for linux-arm64, this machine is linux-x64'],
    ['darwin-arm64 Mach-O', 'built for darwin-arm64, this machine is linux-x64'],
    ['win32-x64 PE', 'built for win32-x64, this machine is linux-x64'],
    ['garbage', 'not a program (unrecognised file format)'],
  ] as const)('a %s file is for another platform, and is never run', async (kind, why) => {
    const dir = tempDir();
    const path = writeFile(join(dir, 'stripe'), FOREIGN_HEADERS[kind]);
    const result = await check(path);
    expect(result).toMatchObject({ ok: false, problem: 'wrong-platform' });
    expect(!result.ok && result.detail).toContain(why);
    // The garbage file holds `touch pwned` in backquotes: had it been handed to /bin/sh, it would have run.
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('a program that exits non-zero fails, with its first line (redacted)', async () => {
    const path = writeFile(join(tempDir(), 'stripe'), '#!/bin/sh\necho "bad key sk_live_abcdefghijklmnop1234" >&2\nexit 2\n');
    const result = await check(path);
    expect(result).toMatchObject({ ok: false, problem: 'fails' });
    expect(!result.ok && result.detail).toMatch(/^`version` exited with code 2: bad key sk_live_…1234$/);
  });

  it('a program that answers something else is not the Stripe CLI', async () => {
    const path = writeFile(join(tempDir(), 'stripe'), '#!/bin/sh\necho "hello"\n');
    expect(await check(path)).toMatchObject({ ok: false, problem: 'fails', detail: expect.stringContaining('does not answer `version` like the Stripe CLI') });
  });

  it('a script whose interpreter is missing', async () => {
    const path = writeFile(join(tempDir(), 'stripe'), '#!/nonexistent/interpreter\n');
    expect(await check(path)).toMatchObject({ ok: false, problem: 'fails', detail: 'could not be started: its interpreter or loader is missing' });
  });

  it('a program that hangs is stopped at the timeout', async () => {
    const path = writeFile(join(tempDir(), 'stripe'), '#!/bin/sh\nexec sleep 30\n');
    const started = Date.now();
    expect(await check(path, { timeoutMs: 300 })).toMatchObject({ ok: false, problem: 'fails', detail: 'did not answer `version` within 0.3 s' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('executable formats', () => {
  it('reads the real binary as a linux-x64 ELF that fits this machine', async () => {
    const format = executableFormat(await readHead(STRIPE_BIN));
    expect(format).toEqual({ kind: 'native', os: 'linux', arch: 'x64' });
    expect(platformMismatch(format, linux)).toBeUndefined();
  });

  it('knows scripts, and which hosts run which builds', () => {
    expect(platformMismatch(executableFormat(Buffer.from('#!/bin/sh\n')), linux)).toBeUndefined();
    expect(platformMismatch(executableFormat(Buffer.from('#!/bin/sh\n')), { os: 'win32', arch: 'x64' })).toMatch(/script/);
    const macArm = executableFormat(FOREIGN_HEADERS['darwin-arm64 Mach-O']);
    expect(platformMismatch(macArm, { os: 'darwin', arch: 'arm64' })).toBeUndefined();
    expect(platformMismatch(macArm, { os: 'darwin', arch: 'x64' })).toMatch(/darwin-arm64/);
    const elfArm = executableFormat(FOREIGN_HEADERS['linux-arm64 ELF']);
    expect(platformMismatch(elfArm, { os: 'linux', arch: 'arm64' })).toBeUndefined();
    expect(platformMismatch(executableFormat(FOREIGN_HEADERS['win32-x64 PE']), { os: 'win32', arch: 'x64' })).toBeUndefined();
  });
});
