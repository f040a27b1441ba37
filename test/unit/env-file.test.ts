import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getEnvValue, setEnvValue, writeEnvValue } from '../../src/lib/env-file.js';

describe('setEnvValue', () => {
  it('appends a new key and keeps everything else', () => {
    expect(setEnvValue('# app\nPORT=4242', 'STRIPE_WEBHOOK_SECRET', 'whsec_x')).toBe('# app\nPORT=4242\nSTRIPE_WEBHOOK_SECRET=whsec_x\n');
  });

  it('replaces an existing key in place, keeping export and dropping later duplicates', () => {
    const text = 'A=1\nexport STRIPE_WEBHOOK_SECRET=old\n# note\nSTRIPE_WEBHOOK_SECRET=older\nB=2\n';
    expect(setEnvValue(text, 'STRIPE_WEBHOOK_SECRET', 'new')).toBe('A=1\nexport STRIPE_WEBHOOK_SECRET=new\n# note\nB=2\n');
  });

  it('does not touch keys that merely share a prefix', () => {
    expect(setEnvValue('STRIPE_WEBHOOK_SECRET_OLD=1\n', 'STRIPE_WEBHOOK_SECRET', 'x')).toBe('STRIPE_WEBHOOK_SECRET_OLD=1\nSTRIPE_WEBHOOK_SECRET=x\n');
  });

  it('reads quoted and unquoted values', () => {
    expect(getEnvValue('A="q"\nB=plain\n', 'A')).toBe('q');
    expect(getEnvValue('A="q"\nB=plain\n', 'B')).toBe('plain');
    expect(getEnvValue('A=1', 'C')).toBeUndefined();
  });

  it('reads values as dotenv does: trailing comments, export, quotes keeping #, multiline', () => {
    expect(getEnvValue('STRIPE_WEBHOOK_SECRET=whsec_abc   # test mode\n', 'STRIPE_WEBHOOK_SECRET')).toBe('whsec_abc');
    expect(getEnvValue('export K=v\n', 'K')).toBe('v');
    expect(getEnvValue("K='a # not a comment'\n", 'K')).toBe('a # not a comment');
    expect(getEnvValue('K="line1\nline2"\nNEXT=1\n', 'K')).toBe('line1\nline2');
    expect(getEnvValue('K="line1\nline2"\nNEXT=1\n', 'NEXT')).toBe('1');
  });

  it('replaces a multiline value whole, keeping the lines after it', () => {
    expect(setEnvValue('A=1\nK="old\nstill old"\nB=2\n', 'K', 'new')).toBe('A=1\nK=new\nB=2\n');
  });

  it.each([
    ['a newline (it would add a line of its own)', 'whsec_x\nNODE_OPTIONS=--require=/tmp/evil.js'],
    ['a carriage return', 'whsec_x\rB=1'],
    ['a NUL', 'whsec_\0x'],
    ['a quote', 'whsec_"x'],
    ['a # (read back as a comment)', 'whsec_x #y'],
  ])('refuses a value with %s', (_what, value) => {
    expect(() => setEnvValue('A=1\n', 'K', value)).toThrow(/refusing to write K/);
  });

  it('writes secrets as Stripe makes them, +, / and = included', () => {
    const text = setEnvValue('', 'K', 'whsec_ab+c/d=');
    expect(getEnvValue(text, 'K')).toBe('whsec_ab+c/d=');
  });
});

describe('writeEnvValue', () => {
  it('creates a new file with mode 0600 and leaves no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    const path = join(dir, '.env');
    expect(await writeEnvValue(path, 'K', 'v')).toEqual({ created: true });
    expect(readFileSync(path, 'utf8')).toBe('K=v\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['.env']);
  });

  it('keeps the mode and other lines of an existing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    const path = join(dir, '.env');
    writeFileSync(path, '# keep me\nK=old\nOTHER=1\n', { mode: 0o640 });
    expect(await writeEnvValue(path, 'K', 'new')).toEqual({ created: false });
    expect(readFileSync(path, 'utf8')).toBe('# keep me\nK=new\nOTHER=1\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('refuses an invalid key name before touching the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    await expect(writeEnvValue(join(dir, '.env'), 'BAD-NAME', 'v')).rejects.toThrow(/not a valid variable name/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a value with a newline and leaves the file as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    const path = join(dir, '.env');
    writeFileSync(path, 'PORT=4242\n');
    await expect(writeEnvValue(path, 'STRIPE_WEBHOOK_SECRET', 'whsec_x\nNODE_OPTIONS=--require=/tmp/evil.js')).rejects.toMatchObject({ exitCode: 2 });
    expect(readFileSync(path, 'utf8')).toBe('PORT=4242\n');
    expect(readdirSync(dir)).toEqual(['.env']);
  });

  it('writes a symlinked .env through to its target and keeps the link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    writeFileSync(join(dir, 'shared.env'), 'A=1\n', { mode: 0o600 });
    symlinkSync('shared.env', join(dir, '.env'));
    await writeEnvValue(join(dir, '.env'), 'K', 'v');
    expect(lstatSync(join(dir, '.env')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, '.env'))).toBe('shared.env');
    expect(readFileSync(join(dir, 'shared.env'), 'utf8')).toBe('A=1\nK=v\n');
    expect(readdirSync(dir).sort()).toEqual(['.env', 'shared.env']);
  });

  it('creates the target of a dangling .env link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    symlinkSync('real.env', join(dir, '.env'));
    await writeEnvValue(join(dir, '.env'), 'K', 'v');
    expect(lstatSync(join(dir, '.env')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.env'), 'utf8')).toBe('K=v\n');
  });

  it('removes temp files that killed writes left behind (secret inside), but not a young one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    const abandoned = join(dir, '..env.0123456789ab.tmp');
    const young = join(dir, '..env.ba9876543210.tmp');
    writeFileSync(abandoned, 'K=whsec_left_by_a_killed_write\n');
    writeFileSync(young, 'K=whsec_being_written\n');
    writeFileSync(join(dir, '.other.0123456789ab.tmp'), 'not ours');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(abandoned, hourAgo, hourAgo);
    await writeEnvValue(join(dir, '.env'), 'K', 'v');
    expect(readdirSync(dir).sort()).toEqual(['..env.ba9876543210.tmp', '.env', '.other.0123456789ab.tmp']);
  });

  it('reports a missing directory as an environment error and writes nothing', async () => {
    await expect(writeEnvValue('/nonexistent-dir/x/.env', 'K', 'v')).rejects.toMatchObject({ exitCode: 3 });
  });
});
