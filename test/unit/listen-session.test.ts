/**
 * A `listen` session (src/listen/session.ts), without the command around it: the real `stripe listen` against
 * the fake backend, the recording's lifecycle (a session that never starts leaves no file; stop() closes it)
 * and the counts its summary is made of.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/lib/environment.js';
import { CLI_NAMES } from '../../src/lib/option-name.js';
import { startListenSession, type ListenSession } from '../../src/listen/session.js';
import type { RecordNotice } from '../../src/record/policy.js';
import { openRecorder } from '../../src/record/writer.js';
import { stripeTarget } from '../../src/stripe-cli/spawn.js';
import { locateUnproven } from '../../src/stripe-cli/while-proving.js';
import { startApp, type App } from '../support/app.js';
import { sandbox, STRIPE_BIN } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { closedPort } from '../support/ports.js';
import { readRecording } from '../support/recording.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

let fake: FakeStripe | undefined;
let app: App | undefined;
let session: ListenSession | undefined;

afterEach(async () => {
  await session?.stop();
  await fake?.close();
  await app?.close();
  fake = app = session = undefined;
});

async function start(apiBase: string, forwardTo: string, recordTo: string, readyTimeoutMs = 15_000) {
  const box = sandbox();
  const environment: Environment = { cwd: box.cwd, env: box.env, stripeBin: STRIPE_BIN, apiKey: TEST_API_KEY, apiBase: new URL(apiBase), names: CLI_NAMES, signal: new AbortController().signal };
  const unproven = await locateUnproven(environment);
  const recorder = openRecorder(join(box.cwd, recordTo), { live: false, secrets: [TEST_API_KEY] });
  const notices: RecordNotice[] = [];
  const listener = { routing: { forwardTo, routes: [] }, events: ['invoice.paid', 'charge.succeeded'], target: stripeTarget(environment, unproven.path), readyTimeoutMs };
  const started = startListenSession({ unproven, listener, signal: environment.signal, recording: { recorder, onNotice: (notice) => notices.push(notice) } });
  return { started, path: recorder.path, notices };
}

describe('startListenSession', () => {
  it('counts every delivery it relays; stop() ends the events, closes the recording and resolves with both counts', async () => {
    fake = await startFakeStripe();
    app = await startApp({ answer: (r) => (r.event?.type === 'invoice.paid' ? { status: 500 } : {}) });
    const { started, path, notices } = await start(fake.url, app.url(), 'events.ndjson');
    session = await started;
    expect(session.secret).toBe(fake.secret);
    const paid = fake.emit('invoice.paid');
    const charge = fake.emit('charge.succeeded');
    let delivered = 0;
    for await (const event of session.events) if (event.kind === 'delivery' && ++delivered === 2) break;

    const summary = await session.stop();
    expect(summary).toMatchObject({ delivered: 1, failed: 1, interrupted: 0, refused: 0, record: { path, recorded: 2, livemodeSkipped: 0, notRecorded: 0 } });
    expect(await session.stop()).toBe(summary); // once only: a second stop is the first's answer
    expect(readRecording(path).map((event) => event.id).sort()).toEqual([paid.id, charge.id].sort());
    expect(notices).toEqual([]);
  });

  it('a session that never starts (no Stripe backend) rejects and leaves no recording behind', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const { started, path } = await start(down, `${down}/webhook`, 'never.ndjson', 1000);
    await expect(started).rejects.toThrow();
    expect(existsSync(path)).toBe(false);
  });
});
