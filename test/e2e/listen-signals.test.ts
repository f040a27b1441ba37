/**
 * `stripe-hooks listen` stops cleanly: on SIGINT/SIGTERM (also with a delivery
 * in flight), when not ready in time, and when the `stripe` child dies under it.
 * A signal is the normal stop: the summary, no error line. In every case the child is gone when the CLI exits.
 */
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type App } from '../support/app.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { deliveryLine, stopListens, startListen } from '../support/listen-cli.js';
import { childPids, isRunning, type RunningCli } from '../support/running-cli.js';

let fake: FakeStripe | undefined;
let silent: Awaited<ReturnType<typeof silentServer>> | undefined;
let app: App | undefined;

afterEach(async () => {
  await stopListens();
  await fake?.close();
  await app?.close();
  for (const socket of silent?.sockets ?? []) socket.destroy();
  silent?.server.close();
  fake = silent = app = undefined;
});

function listen(apiBase: string, args: string[] = []): RunningCli {
  return startListen(apiBase, ['--verbose', '-f', 'http://127.0.0.1:9/webhook', ...args]);
}

/** The stripe child's pid, from --verbose output, checked against the CLI's actual children. */
async function stripePid(cli: RunningCli): Promise<number> {
  const line = await cli.waitForLine(/stripe listen started \(pid \d+\)/, 'stderr');
  const pid = Number(/pid (\d+)/.exec(line)![1]);
  expect(childPids(cli.child.pid!)).toContain(pid);
  return pid;
}

describe('stripe-hooks listen shutdown', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s after ready -> exit %i, the stripe child gone', async (signal, code) => {
    fake = await startFakeStripe();
    const cli = listen(fake.url);
    const pid = await stripePid(cli);
    await cli.waitForLine(/Ready — forwarding/, 'stderr');
    expect(isRunning(pid)).toBe(true);

    cli.child.kill(signal);
    const result = await cli.child;
    expect(result.exitCode).toBe(code);
    // The normal way to stop: the summary is the last line, and no error is reported.
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('Stopped: 0 events delivered, 0 failed');
    expect(result.stderr).not.toMatch(/^error /m);
    expect(isRunning(pid)).toBe(false);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s with --json -> exit %i, one summary object counting deliveries, and no error document', async (signal, code) => {
    fake = await startFakeStripe();
    app = await startApp({ answer: (request) => (request.event?.type === 'invoice.paid' ? { status: 500 } : {}) });
    const cli = listen(fake.url, ['--json', '-f', app.url(), '--events', 'customer.created,invoice.paid']);
    const pid = await stripePid(cli);
    await cli.waitForLine(/"kind":"ready"/);
    for (const type of ['customer.created', 'customer.created', 'invoice.paid']) await deliveryLine(cli, fake.emit(type).id);

    cli.child.kill(signal);
    const result = await cli.child;
    expect(result.exitCode).toBe(code);
    const last = JSON.parse(result.stdout.trimEnd().split('\n').at(-1)!) as unknown;
    expect(last).toEqual({ kind: 'summary', delivered: 2, failed: 1, interrupted: 0, refused: 0 });
    expect(result.stdout).not.toContain('"error"');
    expect(result.stderr).not.toMatch(/^error /m);
    expect(isRunning(pid)).toBe(false);
    expect(childPids(cli.child.pid!)).toEqual([]);
  });

  it('SIGINT with a delivery in flight (the app holds its answer) -> exit 130 at once, the stripe child gone, the delivery shown and counted as interrupted', async () => {
    fake = await startFakeStripe();
    const held = new Promise<never>(() => {}); // the app never answers
    app = await startApp({ answer: () => held });
    const cli = listen(fake.url, ['-f', app.url(), '--events', 'charge.succeeded']);
    const pid = await stripePid(cli);
    await cli.waitForLine(/Ready — forwarding/, 'stderr');
    const event = fake.emit('charge.succeeded');
    await app.waitFor(event.id);

    const sent = Date.now();
    cli.child.kill('SIGINT');
    const result = await cli.child;
    expect(result.exitCode).toBe(130);
    expect(Date.now() - sent).toBeLessThan(3000); // not the stripe child's grace period, nor the 30 s forward timeout
    expect(result.stderr).toMatch(/Stopped: 0 events delivered, 0 failed, 1 interrupted$/);
    expect(result.stderr).not.toMatch(/^error /m);
    // The cut delivery is said to be cut, not reported as the app's failure.
    expect(result.stdout).toMatch(new RegExp(`charge\\.succeeded +${event.id} +interrupted +\\d+ ms\\n +the run ended before the app answered$`));
    expect(isRunning(pid)).toBe(false);
  });

  it('SIGINT before ready -> exit 130, the stripe child gone', async () => {
    silent = await silentServer();
    const cli = listen(silent.url);
    const pid = await stripePid(cli);
    await silent.connected;
    cli.child.kill('SIGINT');
    const result = await cli.child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/Stopped: 0 events delivered, 0 failed$/);
    expect(result.stderr).not.toMatch(/^error /m);
    expect(isRunning(pid)).toBe(false);
  });

  it('not ready within --ready-timeout -> exit 3 with a hint, the stripe child gone', async () => {
    silent = await silentServer();
    const cli = listen(silent.url, ['--ready-timeout', '1']);
    const pid = await stripePid(cli);
    const result = await cli.child;
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('error stripe listen was not ready within 1 s');
    expect(result.stderr).toContain(`hint  check that the server at ${silent.url.replace(/\/$/, '')} (--api-base) is reachable, or raise --ready-timeout`);
    expect(isRunning(pid)).toBe(false);
  });

  it('the stripe child dying on its own -> exit 3 saying so', async () => {
    fake = await startFakeStripe();
    const cli = listen(fake.url);
    const pid = await stripePid(cli);
    await cli.waitForLine(/Ready — forwarding/, 'stderr');
    process.kill(pid, 'SIGKILL');
    const result = await cli.child;
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('error stripe listen was killed by SIGKILL');
    expect(result.stderr).toContain("hint  re-run with --verbose to see the Stripe CLI's output");
  });
});

/** Where Stripe's API would be, a server that accepts connections and never answers. */
async function silentServer() {
  const sockets = new Set<Socket>();
  let onConnect!: () => void;
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  const server = createServer((socket) => {
    sockets.add(socket);
    onConnect();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { server, sockets, url, connected };
}
