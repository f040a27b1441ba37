/**
 * The safe tar reader: archives from a real tar (GNU tar, ustar/gnu/pax formats)
 * read correctly, and every way an entry could land outside the target dir is
 * refused before anything is written.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { extractTarGz, readTar, safeEntryName } from '../../src/installer/archive.js';
import { tempDir } from '../support/cli.js';
import { buildTar, buildTarGz, type TestEntry } from '../support/tar.js';

/** Extracts into a fresh dir inside a parent, so anything escaping would show up in the parent. */
async function extractInSandbox(archive: Buffer, options: Parameters<typeof extractTarGz>[2] = {}) {
  const parent = tempDir('stripe-hooks-tar-');
  const target = join(parent, 'target');
  mkdirSync(target);
  const result = await extractTarGz(archive, target, options).then(
    (entries) => ({ entries, error: undefined }),
    (error: unknown) => ({ entries: undefined, error }),
  );
  return { parent, target, ...result };
}

describe('reading archives written by GNU tar', () => {
  it.each(['ustar', 'gnu', 'pax'])('%s format, with a long name and modes', async (format) => {
    const source = tempDir();
    const long = 'd'.repeat(60) + '/' + 'e'.repeat(70);
    mkdirSync(join(source, 'd'.repeat(60)));
    writeFileSync(join(source, long), 'deep');
    writeFileSync(join(source, 'stripe'), '#!/bin/sh\n', { mode: 0o4755 });
    const tarball = join(tempDir(), 'a.tar.gz');
    execFileSync('tar', ['-czf', tarball, `--format=${format}`, '-C', source, 'stripe', 'd'.repeat(60)]);

    const { target, entries, error } = await extractInSandbox(readFileSync(tarball));
    expect(error).toBeUndefined();
    expect(entries!.map((entry) => `${entry.type}:${entry.name}`).sort()).toEqual(['directory:' + 'd'.repeat(60), `file:${long}`, 'file:stripe'].sort());
    expect(readFileSync(join(target, long), 'utf8')).toBe('deep');
    expect(statSync(join(target, 'stripe')).mode & 0o7777).toBe(0o755); // setuid dropped
  });

  it.each(['ustar', 'gnu', 'pax'])('%s format with a symlink, even a harmless one, is refused', async (format) => {
    const source = tempDir();
    writeFileSync(join(source, 'stripe'), '#!/bin/sh\n', { mode: 0o755 });
    execFileSync('ln', ['-s', 'stripe', join(source, 'link')]);
    const tarball = join(tempDir(), 'a.tar.gz');
    execFileSync('tar', ['-czf', tarball, `--format=${format}`, '-C', source, 'stripe', 'link']);

    const { parent, target, error } = await extractInSandbox(readFileSync(tarball));
    expect((error as Error).message).toMatch(/symbolic link "link" refused/);
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(parent)).toEqual(['target']);
  });
});

describe('refusing unsafe entries (nothing is written at all)', () => {
  const good: TestEntry = { name: 'stripe', data: '#!/bin/sh\n', mode: 0o755 };
  it.each<[string, TestEntry, RegExp]>([
    ['a ../ entry', { name: '../evil', data: 'x' }, /"\.\.\/evil" would be written outside/],
    ['a ../ entry in the middle', { name: 'a/../../evil', data: 'x' }, /outside the target/],
    ['an absolute path', { name: '/tmp/evil', data: 'x' }, /"\/tmp\/evil" would be written outside/],
    ['a backslash path', { name: '..\\evil', data: 'x' }, /outside the target/],
    ['a symlink pointing out (relative)', { name: 'link', type: 'symlink', linkTarget: '../../etc/passwd' }, /symbolic link "link" refused/],
    ['a symlink pointing out (absolute)', { name: 'link', type: 'symlink', linkTarget: '/etc/passwd' }, /symbolic link "link" refused/],
    ['a symlink pointing inside', { name: 'bin/link', type: 'symlink', linkTarget: '../stripe' }, /symbolic link "bin\/link" refused/],
    ['a hard link', { name: 'hard', type: 'hardlink', linkTarget: 'stripe' }, /hard link "hard" refused/],
    ['a pax path that climbs out', { name: `${'x'.repeat(101)}/../../../evil`, data: 'x' }, /outside the target/],
    ['the same file twice (the last copy would win)', { name: 'stripe', data: '#!/bin/sh\necho other\n', mode: 0o755 }, /entry "stripe" appears more than once/],
    ['the same file twice but for case (one file on macOS)', { name: 'STRIPE', data: 'x' }, /entry "STRIPE" appears more than once/],
  ])('%s', async (_what, bad, message) => {
    const { parent, target, error } = await extractInSandbox(buildTarGz([good, bad, { name: 'after', data: 'x' }]));
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(message);
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(parent)).toEqual(['target']);
  });

  it('a corrupted header and a truncated archive', async () => {
    const tar = buildTar([good]);
    const corrupt = Buffer.from(tar);
    corrupt[10] = 0x41;
    expect(() => readTar(corrupt)).toThrow(/checksum mismatch/);
    expect(() => readTar(tar.subarray(0, 520))).toThrow(/truncated/); // inside the file's data
    expect(() => readTar(tar.subarray(0, 1024))).toThrow(/truncated/); // after it, but no end marker
    expect(readTar(tar)).toHaveLength(1);
    const { error } = await extractInSandbox(Buffer.from('not gzip at all'));
    expect((error as Error).message).toMatch(/cannot decompress/);
  });

  it('links that chain out of the target (a -> ., then a/b -> ..) install nothing', async () => {
    // Each link alone resolves inside the target; followed in turn, a/b is the target's parent.
    const chained = buildTarGz([
      good,
      { name: 'a', type: 'symlink', linkTarget: '.' },
      { name: 'a/b', type: 'symlink', linkTarget: '..' },
      { name: 'a/b/escaped', data: 'x' },
    ]);
    const { parent, target, error } = await extractInSandbox(chained);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(/symbolic link "a" refused/);
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(parent)).toEqual(['target']);
  });
});

describe('safeEntryName', () => {
  it.each([
    ['./package/bin/stripe', 'package/bin/stripe'],
    ['package//bin/./stripe', 'package/bin/stripe'],
    ['./', ''],
    ['../x', undefined],
    ['/abs', undefined],
    ['C:/x', undefined],
    ['a\\b', undefined],
  ])('%s -> %s', (raw, expected) => {
    expect(safeEntryName(raw)).toBe(expected);
  });

  it('a gzip bomb is cut off at the size cap, not inflated without bound', async () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(10_000);
    const { target, error } = await extractInSandbox(bomb, { maxBytes: 1024 * 1024 });
    expect((error as Error).message).toMatch(/cannot decompress/);
    expect(readdirSync(target)).toEqual([]);
  });

  it('a 2 MiB gzip bomb (2 GiB inflated) is refused at the default cap, never holding more than 256 MiB', async () => {
    const chunk = gzipSync(Buffer.alloc(64 << 20)); // concatenated gzip members inflate as one stream
    const bomb = Buffer.concat(Array.from({ length: 32 }, () => chunk));
    expect(bomb.length).toBeLessThan(3 << 20);
    let counted = 0;
    const { target, error } = await extractInSandbox(bomb, { inflated: (bytes) => (counted = bytes) });
    expect((error as Error).message).toMatch(/cannot decompress: it unpacks to more than 256 MiB/);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThanOrEqual(256 << 20);
    expect(readdirSync(target)).toEqual([]);
  });
});
