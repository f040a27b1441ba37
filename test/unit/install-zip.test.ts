/**
 * The zip reader of the Windows release: archives from a real writer (Python's zipfile) and built byte by byte
 * here, good and hostile. Every way an entry could land outside the target, be a link, or unpack to more than it
 * says is refused before anything is written; of a good archive only the binary asked for is written.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { extractZipFile, type ZipLimits } from '../../src/installer/zip.js';
import { tempDir } from '../support/cli.js';
import { buildZip, S_IFDIR, S_IFLNK, S_IFREG, type ZipTestEntry } from '../support/zip.js';

const BIN = 'stripe.exe';
const binary = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(70_000, 7)]);
const good: ZipTestEntry = { name: BIN, data: binary, mode: S_IFREG | 0o755 };

/** Extracts into a fresh dir inside a parent, so anything escaping would show up in the parent. */
async function extractInSandbox(archive: Buffer, limits?: ZipLimits, wanted = BIN) {
  const parent = tempDir('stripe-hooks-zip-');
  const target = join(parent, 'target');
  mkdirSync(target);
  const result = await extractZipFile(archive, wanted, target, limits).then(
    (entries) => ({ entries, error: undefined }),
    (error: unknown) => ({ entries: undefined, error: error as Error }),
  );
  return { parent, target, ...result };
}

function expectRefused(result: Awaited<ReturnType<typeof extractInSandbox>>, message: RegExp) {
  expect(result.error).toBeInstanceOf(EnvironmentError);
  expect(result.error!.message).toMatch(/^unsafe or corrupt archive: /);
  expect(result.error!.message).toMatch(message);
  expect((result.error as EnvironmentError).hint).toMatch(/nothing was installed/);
  expect(readdirSync(result.target)).toEqual([]);
  expect(readdirSync(result.parent)).toEqual(['target']);
}

describe('reading a good archive', () => {
  it('writes only the binary asked for, byte for byte; lists every entry', async () => {
    const archive = buildZip([
      { name: 'README.md', data: '# the Stripe CLI' },
      { name: 'docs/', mode: S_IFDIR | 0o755 },
      { name: 'docs/LICENSE', data: 'Apache', method: 0 },
      good,
    ]);
    const { target, entries, error } = await extractInSandbox(archive);
    expect(error).toBeUndefined();
    expect(entries).toEqual([
      { name: 'README.md', type: 'file', size: 16 },
      { name: 'docs', type: 'directory', size: 0 },
      { name: 'docs/LICENSE', type: 'file', size: 6 },
      { name: BIN, type: 'file', size: binary.length },
    ]);
    expect(readdirSync(target)).toEqual([BIN]);
    expect(readFileSync(join(target, BIN)).equals(binary)).toBe(true);
  });

  it('a Windows-made archive (DOS attributes, a directory by its attribute) and ./ names', async () => {
    const archive = buildZip([{ name: 'bin', dosAttributes: 0x10 }, { name: `./${BIN}`, data: binary, dosAttributes: 0x20 }]);
    const { target, entries, error } = await extractInSandbox(archive);
    expect(error).toBeUndefined();
    expect(entries!.map((entry) => `${entry.type}:${entry.name}`)).toEqual(['directory:bin', `file:${BIN}`]);
    expect(readFileSync(join(target, BIN)).equals(binary)).toBe(true);
  });

  it('the binary missing, or only deeper down: nothing written, the entries say what there was', async () => {
    const { target, entries, error } = await extractInSandbox(buildZip([{ name: `bin/${BIN}`, data: binary }]));
    expect(error).toBeUndefined();
    expect(entries!.map((entry) => entry.name)).toEqual([`bin/${BIN}`]);
    expect(readdirSync(target)).toEqual([]);
  });

  it('archives written by Python\'s zipfile (stored, deflated, a directory) read; its symlink is refused', async () => {
    const dir = tempDir('stripe-hooks-pyzip-');
    writeFileSync(join(dir, 'stripe.bin'), binary);
    const script = (symlink: boolean) => `
import zipfile, sys
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr(zipfile.ZipInfo('docs/'), '')
    z.writestr('README.md', 'readme', compress_type=zipfile.ZIP_STORED)
    z.write(sys.argv[2], '${BIN}', compress_type=zipfile.ZIP_DEFLATED)
    if ${symlink ? 'True' : 'False'}:
        link = zipfile.ZipInfo('link')
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        z.writestr(link, '${BIN}')
`;
    for (const symlink of [false, true]) {
      const path = join(dir, `${symlink}.zip`);
      execFileSync('python3', ['-c', script(symlink), path, join(dir, 'stripe.bin')]);
      const result = await extractInSandbox(readFileSync(path));
      if (symlink) {
        expectRefused(result, /symbolic link "link" refused/);
      } else {
        expect(result.error).toBeUndefined();
        expect(result.entries!.map((entry) => `${entry.type}:${entry.name}`)).toEqual(['directory:docs', 'file:README.md', `file:${BIN}`]);
        expect(readFileSync(join(result.target, BIN)).equals(binary)).toBe(true);
      }
    }
  });
});

describe('refusing unsafe entries (nothing is written at all)', () => {
  it.each<[string, ZipTestEntry, RegExp]>([
    ['a ../ entry', { name: '../evil', data: 'x' }, /entry "\.\.\/evil" would be written outside the target directory/],
    ['a ../ entry in the middle', { name: 'a/../../evil', data: 'x' }, /outside the target/],
    ['an absolute path', { name: '/tmp/evil', data: 'x' }, /entry "\/tmp\/evil" would be written outside/],
    ['a drive letter', { name: 'C:/Windows/evil.exe', data: 'x' }, /outside the target/],
    ['a backslash path', { name: '..\\evil', data: 'x' }, /outside the target/],
    ['a name with a NUL', { name: 'stripe.exe\0.txt', data: 'x' }, /outside the target/],
    ['a Unix symlink pointing out', { name: 'link', data: '../../etc/passwd', mode: S_IFLNK | 0o777 }, /symbolic link "link" refused/],
    ['a Unix symlink pointing inside', { name: 'bin/link', data: '../stripe.exe', mode: S_IFLNK | 0o777 }, /symbolic link "bin\/link" refused/],
    ['a Windows reparse point (symlink, junction)', { name: 'junction', data: 'C:\\', dosAttributes: 0x400 | 0x10 }, /symbolic link "junction" refused/],
    ['a fifo', { name: 'pipe', mode: 0o010644 }, /entry "pipe" has unsupported type/],
    ['a block device', { name: 'disk', mode: 0o060644 }, /entry "disk" has unsupported type/],
    ['an encrypted entry', { name: 'secret', data: 'x', flags: 0x1 }, /entry "secret" is encrypted/],
    ['another compression method (bzip2)', { name: 'odd', data: 'x', method: 12 }, /compression method 12/],
    ['the binary twice', { ...good, data: 'the second one' }, /entry "stripe\.exe" appears more than once/],
    ['the binary twice, once in capitals (one file on Windows)', { ...good, name: 'STRIPE.EXE' }, /entry "STRIPE\.EXE" appears more than once/],
    ['the binary twice, once as ./stripe.exe', { ...good, name: './stripe.exe' }, /entry "stripe\.exe" appears more than once/],
    ['a stored entry whose sizes disagree', { name: 'README.md', data: 'readme', method: 0, declaredSize: 3 }, /cannot read the zip \(compressed\/uncompressed size mismatch/],
  ])('%s', async (_what, bad, message) => {
    expectRefused(await extractInSandbox(buildZip([good, bad, { name: 'after', data: 'x' }])), message);
  });

  it('not a zip, a truncated zip', async () => {
    expectRefused(await extractInSandbox(Buffer.from('not a zip at all')), /cannot read the zip \(End of central directory record signature not found/);
    const archive = buildZip([good]);
    expectRefused(await extractInSandbox(archive.subarray(0, archive.length - 30)), /cannot read the zip/);
  });

  it('a binary whose CRC-32 is wrong: refused, and what was written of it removed', async () => {
    expectRefused(await extractInSandbox(buildZip([{ ...good, crc: 0x1234 }])), /entry "stripe\.exe" fails its CRC-32 check/);
  });
});

describe('bounded sizes: zip bombs', () => {
  const zeros = Buffer.alloc(4 << 20);

  it('an entry declaring less than it inflates to stops at its declared size (the binary is never written)', async () => {
    const bomb = buildZip([{ ...good, data: zeros, declaredSize: 1000 }]);
    expect(bomb.length).toBeLessThan(10_000);
    expectRefused(await extractInSandbox(bomb), /too many bytes in the stream\. expected 1000/);
  });

  it('an entry declaring more than the per-entry cap is refused before anything is inflated', async () => {
    const result = await extractInSandbox(buildZip([{ ...good, data: zeros }]), { maxEntryBytes: 1 << 20 });
    expectRefused(result, /entry "stripe\.exe" would unpack to 4194304 bytes, more than 1 MiB/);
  });

  it('at the default caps: 2 GiB declared by one entry, 300 MiB by several', async () => {
    expectRefused(await extractInSandbox(buildZip([{ ...good, declaredSize: 2 ** 31 }])), /would unpack to 2147483648 bytes, more than 128 MiB/);
    const many = Array.from({ length: 3 }, (_, i) => ({ name: `part${i}`, data: 'x', declaredSize: 100 << 20 }));
    expectRefused(await extractInSandbox(buildZip([good, ...many])), /it would unpack to more than 256 MiB/);
  });

  it('the entries together past the total cap, even when the binary alone is within it', async () => {
    const parts = Array.from({ length: 3 }, (_, i) => ({ name: `part${i}.txt`, data: zeros }));
    expectRefused(await extractInSandbox(buildZip([good, ...parts]), { maxBytes: 8 << 20 }), /it would unpack to more than 8 MiB/);
  });

  it('more entries than a release archive could hold', async () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: '' }));
    expectRefused(await extractInSandbox(buildZip([good, ...entries]), { maxEntries: 10 }), /21 entries, more than the 10 a Stripe CLI archive could hold/);
  });
});
