/**
 * A recording survives kill -9: `stripe-hooks listen --record` is SIGKILLed while events stream in, and every
 * line in the file still parses (each line is one write of the whole line, nothing waits in a buffer).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type App } from '../support/app.js';
import { runCli, sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { startListen, stopListens } from '../support/listen-cli.js';
import { readRecording } from '../support/recording.js';
import { childPids, isRunning } from '../support/running-cli.js';

let fake: FakeStripe | undefined;
let app: App | undefined;
const orphans: number[] = [];

afterEach(async () => {
  for (const pid of orphans.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  await stopListens();
  await fake?.close();
  await app?.close();
  fake = app = undefined;
});

describe('listen --record under kill -9', () => {
  it('SIGKILL while events stream in: every line in the file parses, each one an event the app received', async () => {
    fake = await startFakeStripe();
    app = await startApp();
    const box = sandbox();
    const path = join(box.cwd, 'events.ndjson');
    const cli = startListen(fake.url, ['--json', '-f', app.url(), '--events', 'customer.updated', '--record', path], box);
    await cli.waitForLine(/"kind":"ready"/);
    const stripe = childPids(cli.child.pid!);
    expect(stripe.length).toBeGreaterThan(0); // `stripe listen`, and `stripe version` while it proves the binary
    orphans.push(...stripe); // a bare SIGKILL orphans `stripe listen`, as it would for a user

    // Large events (~16 KiB lines), so a line written in pieces would be caught half-way.
    const padding = 'x'.repeat(16_000);
    const emitted = Array.from({ length: 200 }, () => fake!.emit({ type: 'customer.updated', object: { id: 'cus_kill', object: 'customer', padding } }));
    await app.waitFor(() => app!.requests.length >= 60);
    cli.child.kill('SIGKILL');
    const result = await cli.child;
    expect(result.signal).toBe('SIGKILL');

    // Linux ends a write at a page boundary when SIGKILL arrives: the line being written (16 KiB) may be cut,
    // without its newline. Every whole line parses; replay leaves the cut one out.
    const recorded = readRecording(path, { cutLast: true });
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.length).toBeLessThan(emitted.length); // it was cut mid-stream
    const received = new Map(app.requests.map((request) => [request.event?.id, request.rawBody]));
    for (const event of recorded) expect(event.body).toBe(received.get(event.id));
    const replay = await runCli(['replay', path, '--dry-run', '--json'], { box });
    expect(replay.exitCode, replay.stderr).toBe(0);
    // In arrival order: lines are written as answers come, which concurrent deliveries may reverse.
    const arrived = [...recorded].sort((a, b) => a.seq! - b.seq!);
    expect((JSON.parse(replay.stdout) as { events: { id: string }[] }).events.map((event) => event.id)).toEqual(arrived.map((event) => event.id));
  });
});
