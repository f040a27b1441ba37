import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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

  it('reports a missing directory as an environment error and writes nothing', async () => {
    await expect(writeEnvValue('/nonexistent-dir/x/.env', 'K', 'v')).rejects.toMatchObject({ exitCode: 3 });
  });
});
