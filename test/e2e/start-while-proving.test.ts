/**
 * `stripe listen` starts while the Stripe CLI is being proven (stripe-cli/while-proving.ts): the proof
 * (`stripe version`, and for trigger-flow `stripe trigger --help`) no longer delays Ready, and still
 * explains a binary that fails. Stand-in binaries (shell scripts) where the proof must be told apart
 * from the listen, FIFOs to make one wait for the other; the real binary where it must work.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, sandbox, STRIPE_BIN } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { childPids, isRunning, startCli, type RunningCli } from '../support/running-cli.js';
import { writeFile } from '../support/stand-ins.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

const KEY_ENV = { STRIPE_API_KEY: TEST_API_KEY };
const READY = 'Ready! You are using Stripe API Version [2024-06-20]. Your webhook signing secret is whsec_standin0123456789 (^C to quit)';

/** A stand-in Stripe CLI: shell snippets for `version`, `listen` and `trigger` (given its arguments). */
function standIn(dir: string, { version, listen, trigger = 'exit 1' }: { version: string; listen: string; trigger?: string }): string {
  return writeFile(join(dir, 'stripe'), `#!/bin/sh\ncase "$1" in\n  version) ${version} ;;\n  listen) ${listen} ;;\n  trigger) ${trigger} ;;\n  *) exit 1 ;;\nesac\n`);
}

let fake: FakeStripe | undefined;
const started: RunningCli[] = [];
afterEach(async () => {
  for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  await fake?.close();
  fake = undefined;
});

describe('stripe-hooks listen proves the Stripe CLI while it starts', () => {
  it('starts `stripe listen` without waiting for `stripe version`; the version is told once known', { timeout: 20_000 }, async () => {
    // `version` answers only once `listen` has run (through a FIFO): waiting for it first would hang until its 15 s timeout.
    const box = sandbox();
    const fifo = join(box.home, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const bin = standIn(join(box.home, 'bin'), {
      version: `read said < '${fifo}'; echo "stripe version $said"`,
      listen: `echo 9.8.7 > '${fifo}'; echo '${READY}' >&2; exec sleep 600`,
    });
    const cli = startCli(['listen', '--verbose', '-f', 'http://127.0.0.1:9/webhook', '--events', 'charge.succeeded', '--stripe-bin', bin], { box, env: KEY_ENV });
    started.push(cli);
    await cli.waitForLine(/^Ready — forwarding to/, 'stderr', 10_000);
    await cli.waitForLine(new RegExp(`using the Stripe CLI 9\\.8\\.7 at ${bin} \\(from --stripe-bin\\)`), 'stderr', 10_000);
    const children = childPids(cli.child.pid!);
    cli.child.kill('SIGINT');
    expect((await cli.child).exitCode).toBe(130);
    expect(children.filter(isRunning)).toEqual([]);
  });

  it('a broken binary gets the proof\'s error, not the listen\'s, and nothing is left running', { timeout: 20_000 }, async () => {
    const box = sandbox();
    // Its `listen` fails first: `version` answers once that has exited (the FIFO's writer gone).
    const fifo = join(box.home, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const failing = standIn(join(box.home, 'failing'), {
      version: `cat '${fifo}' > /dev/null; echo boom >&2; exit 7`,
      listen: `exec 3> '${fifo}'; echo "panic: runtime error" >&2; exit 2`,
    });
    // Its `listen` would hang until --ready-timeout: the failed proof stops it at once.
    const pidFile = join(box.home, 'listen.pid');
    const hanging = standIn(join(box.home, 'hanging'), { version: 'echo boom >&2; exit 7', listen: `echo $$ > '${pidFile}'; exec sleep 600` });
    for (const bin of [failing, hanging]) {
      const start = Date.now();
      const result = await runCli(['listen', '-f', 'http://127.0.0.1:9/webhook', '--events', 'charge.succeeded', '--ready-timeout', '30', '--stripe-bin', bin], { box, env: KEY_ENV });
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toBe(
        `error the Stripe CLI at ${bin} (from --stripe-bin) \`version\` exited with code 7: boom\n` +
          `hint  point --stripe-bin at a working Stripe CLI, or drop it and run \`stripe-hooks setup\``,
      );
      expect(Date.now() - start).toBeLessThan(15_000);
    }
    if (existsSync(pidFile)) expect(isRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false); // if it got to start
  });

  it('a broken one found first is skipped (with a warning) for the next, which then listens', { timeout: 20_000 }, async () => {
    fake = await startFakeStripe();
    const box = sandbox();
    const pathDir = join(box.home, 'bin');
    standIn(pathDir, { version: 'exit 7', listen: 'exit 1' });
    const modules = join(box.cwd, 'node_modules', '@stripe', 'cli-linux-x64', 'bin');
    mkdirSync(modules, { recursive: true });
    symlinkSync(STRIPE_BIN, join(modules, 'stripe'));
    writeFile(join(box.cwd, 'package.json'), '{}', 0o644);
    const cli = startCli(['listen', '-f', 'http://127.0.0.1:9/webhook', '--events', 'charge.succeeded', '--api-base', fake.url], {
      box,
      env: { ...KEY_ENV, PATH: `${pathDir}:/usr/bin:/bin` },
    });
    started.push(cli);
    await cli.waitForLine(/^Ready — forwarding to/, 'stderr', 15_000);
    expect(cli.stderr).toContain(`warning skipped the Stripe CLI at ${join(pathDir, 'stripe')} (from PATH) \`version\` exited with code 7`);
    expect(fake.sessions).toHaveLength(1);
    cli.child.kill('SIGINT');
    expect((await cli.child).exitCode).toBe(130);
  });
});

describe('stripe-hooks trigger-flow proves the Stripe CLI while `stripe listen` starts', () => {
  it('reads the fixtures while `stripe listen` starts, then runs the steps', { timeout: 20_000 }, async () => {
    // `trigger --help` answers only once `listen` has run: reading the fixtures first would hang until its 15 s timeout.
    const box = sandbox();
    const fifo = join(box.home, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const bin = standIn(join(box.home, 'bin'), {
      version: 'echo "stripe version 9.8.7"',
      listen: `echo go > '${fifo}'; echo '${READY}' >&2; exec sleep 600`,
      // Fires nothing: the stand-in has no Stripe behind it, so the step ends at its timeout.
      trigger: `if [ "$2" = --help ]; then read x < '${fifo}'; printf 'Supported events:\\n  invoice.paid\\n'; fi`,
    });
    writeFile(join(box.cwd, 'flow.yaml'), 'steps: [invoice.paid]\n', 0o644);
    const result = await runCli(['trigger-flow', '--file', 'flow.yaml', '--json', '--step-timeout', '1', '--stripe-bin', bin], { box, env: KEY_ENV });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).steps).toMatchObject([{ event: 'invoice.paid', ok: false, error: expect.stringMatching(/within 1 s/) }]);
  });
});
