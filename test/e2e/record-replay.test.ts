/**
 * The whole loop the issue asks for: record real deliveries through the real `stripe listen` (and the fake
 * backend), then replay the file into another app that verifies with the SDK under a different secret: the
 * same ids, types and body bytes, in recorded order.
 */
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startApp, type App } from '../support/app.js';
import { runCli, sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { deliveryLine, startListen, stopListens } from '../support/listen-cli.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { readRecording } from '../support/recording.js';

let fake: FakeStripe | undefined;
let app: App | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await stopListens();
  await Promise.all([fake?.close(), app?.close(), receiver?.close()]);
  fake = app = receiver = undefined;
});

it('records through the real Stripe CLI, then replays under another secret: same ids, types and bytes, in order', async () => {
  fake = await startFakeStripe();
  app = await startApp();
  const box = sandbox();
  const types = ['customer.created', 'payment_intent.created', 'payment_intent.succeeded', 'charge.succeeded'];
  const cli = startListen(fake.url, ['--json', '-f', app.url(), '--events', types.join(','), '--record', 'rec.ndjson'], box);
  await cli.waitForLine(/"kind":"ready"/);
  for (const type of types) {
    const event = fake.emit({ type, object: { id: `obj_${type}`, object: 'thing', description: 'Café ☕ 𝄞' } });
    await deliveryLine(cli, event.id); // one at a time, so the recorded order is known
  }
  cli.child.kill('SIGINT');
  expect((await cli.child).exitCode).toBe(130);
  const sent = app.requests.map((request) => ({ id: request.event?.id, type: request.event?.type, body: request.rawBody }));
  expect(readRecording(join(box.cwd, 'rec.ndjson')).map((event) => event.id)).toEqual(sent.map((event) => event.id));

  const secret = 'whsec_anotherAppsSecretForTheReplay0001';
  receiver = await startReceiver({ secret });
  const replay = await runCli(['replay', 'rec.ndjson', '--forward-to', receiver.url, '--json'], { box, env: { STRIPE_WEBHOOK_SECRET: secret } });
  expect(replay.exitCode, replay.stderr).toBe(0);
  expect(JSON.parse(replay.stdout)).toMatchObject({ flow: 'rec.ndjson', ok: true, mode: 'replay' });
  expect(receiver.deliveries.every((delivery) => delivery.verified)).toBe(true);
  expect(receiver.deliveries.map((delivery) => ({ id: delivery.event?.id, type: delivery.event?.type, body: delivery.rawBody }))).toEqual(sent);
  expect(sent.map((event) => event.type)).toEqual(types);
});
