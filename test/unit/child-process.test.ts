/**
 * The child-process runner under the Stripe CLI boundary, with small shell
 * programs: output and exit code, the environment given and nothing else,
 * failures to start, timeout and abort (SIGTERM, then SIGKILL after the grace
 * period), capped output, and no orphan when we exit first.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runChild, startChild } from '../../src/lib/child-process.js';
import { bundleAlone } from '../support/bundle.js';
import { tempDir } from '../support/cli.js';
import { writeFile } from '../support/stand-ins.js';

const base = { env: { PATH: '/usr/bin:/bin' } as NodeJS.ProcessEnv, cwd: '/', graceMs: 200, timeoutMs: 10_000, maxBuffer: 1_000_000 };
const sh = (script: string, options: Partial<typeof base> & { signal?: AbortSignal } = {}) => runChild('/bin/sh', ['-c', script], { ...base, ...options });

/**
 * A FIFO that a child holds open for writing (it prints "held" once it does):
 * `closed` resolves once every holder is gone.
 */
function heldFifo() {
  const path = join(tempDir(), 'held');
  execFileSync('mkfifo', [path]);
  const closed = new Promise<void>((resolve) => createReadStream(path).on('data', () => {}).on('end', () => resolve()));
  return { path, closed };
}

describe('runChild', () => {
  it('collects both streams and the exit code; the child gets exactly the environment given', async () => {
    const result = await sh('echo "x=$X home=$HOME"; echo oops >&2; exit 3', { env: { PATH: '/usr/bin:/bin', X: '1' } });
    expect(result).toEqual({ stdout: 'x=1 home=\n', stderr: 'oops\n', code: 3, signal: undefined, timedOut: false, canceled: false });
  });

  it('a program that cannot start says why', async () => {
    const missing = await runChild('/nonexistent/stripe', [], base);
    expect(missing).toMatchObject({ failed: 'ENOENT' });
    expect(missing.code).toBeUndefined();
    const notExecutable = writeFile(join(tempDir(), 'stripe'), '#!/bin/sh\n', 0o644);
    expect(await runChild(notExecutable, [], base)).toMatchObject({ failed: 'EACCES' });
  });

  it('at the timeout: SIGTERM, then SIGKILL for a child that ignores it', async () => {
    expect(await sh('exec sleep 30', { timeoutMs: 50 })).toMatchObject({ timedOut: true, signal: 'SIGTERM' });
    // An ignored signal stays ignored across exec.
    expect(await sh("trap '' TERM; exec sleep 30", { timeoutMs: 50 })).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
  });

  it('an abort stops the child; an abort before the start starts nothing', async () => {
    const controller = new AbortController();
    const running = sh('echo started; exec sleep 30', { signal: controller.signal });
    controller.abort();
    expect(await running).toMatchObject({ canceled: true, signal: 'SIGTERM', timedOut: false });
    expect(await sh('exit 0', { signal: controller.signal })).toEqual({ stdout: '', stderr: '', timedOut: false, canceled: true });
  });

  it('a child that writes more than maxBuffer is stopped', async () => {
    const result = await sh('exec yes', { maxBuffer: 10_000 });
    expect(result.code).toBeUndefined();
    expect(result.stdout.length).toBeLessThanOrEqual(10_000);
  });
});

describe('startChild', () => {
  it('stop() resolves once the child is gone', async () => {
    const fifo = heldFifo();
    const child = await startChild('/bin/sh', ['-c', `exec 3>'${fifo.path}'; echo held; exec sleep 30`], base);
    if ('failed' in child) throw new Error(child.failed);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    expect(await child.stop()).toEqual({ code: undefined, signal: 'SIGTERM' });
    await fifo.closed;
  });

  it('when our process exits first, the child is signalled too', async () => {
    const fifo = heldFifo();
    const script = `const { startChild } = await import(${JSON.stringify(await bundleAlone('src/lib/child-process.ts'))});
      const child = await startChild('/bin/sh', ['-c', "exec 3>'${fifo.path}'; echo held; exec sleep 30"], { env: {}, cwd: '/', graceMs: 1000 });
      child.stdout.once('data', () => process.exit(0));`;
    expect((await execa(process.execPath, ['--input-type=module', '-e', script], { reject: false })).exitCode).toBe(0);
    await fifo.closed; // only the child held it: it is gone
  });
});
