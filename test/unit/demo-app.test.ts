/**
 * The example app (src/demo/app.ts) against hostile clients, over real sockets on 127.0.0.1. It runs in this
 * process, as it does inside `stripe-hooks demo`: an unhandled rejection or uncaught exception here is a crash there.
 */
import type { IncomingMessage, Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookApp } from '../../src/demo/app.js';
import { signatureHeader } from '../../src/offline/sign.js';

const secret = 'whsec_demoAppTestSecret0123456789ab';
const TIMEOUT_MS = 500; // the app's request time limit in these tests
const ONE_MIB = 1024 * 1024;

let server: Server;
let port: number;
let lines: string[];
let waiters: { pattern: RegExp; resolve: () => void }[];
let logFault: ((line: string) => void) | undefined;
let crashes: unknown[];
const onCrash = (error: unknown) => crashes.push(error);

beforeEach(async () => {
  lines = [];
  waiters = [];
  logFault = undefined;
  crashes = [];
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  const log = (line: string) => {
    lines.push(line);
    for (const waiter of waiters.filter(({ pattern }) => pattern.test(line))) waiter.resolve();
    logFault?.(line);
  };
  server = createWebhookApp({ secret, log, timeoutMs: TIMEOUT_MS });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const logged = (pattern: RegExp) =>
  within(new Promise<void>((resolve) => {
    if (lines.some((line) => pattern.test(line))) resolve();
    else waiters.push({ pattern, resolve });
  }), 5_000, () => `the app never logged ${String(pattern)}; it logged:\n${lines.join('\n')}`);

/** Rejects with `message` unless `promise` settles within `ms`: a bound on an awaited event, not a sleep. */
async function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)));
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** A raw connection to the app; closed() is everything the app sent once it closed the connection. */
async function connectRaw(): Promise<{ socket: Socket; closed(): Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.on('data', (data: Buffer) => (received += data.toString()));
  // A reset while the client still writes is the app closing on it: what arrived before it is what counts.
  socket.on('error', () => {});
  const closing = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  return { socket, closed: () => within(closing, 5_000, () => `the app did not close the connection within 5 s; it sent: ${JSON.stringify(received)}`) };
}

/** The next request the app's server receives, as the server sees it. */
const nextRequest = () => new Promise<IncomingMessage>((resolve) => server.once('request', resolve));

const postSigned = async (body: string) => {
  const response = await fetch(`http://127.0.0.1:${port}/webhook`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signatureHeader(body, secret) },
  });
  return { status: response.status, text: await response.text() };
};

let eventCount = 0;
const paymentEvent = () =>
  JSON.stringify({
    id: `evt_demoApp${++eventCount}`,
    object: 'event',
    type: 'payment_intent.succeeded',
    data: { object: { id: `pi_demoApp${eventCount}`, object: 'payment_intent', amount_received: 2000, currency: 'eur' } },
  });

/** After whatever the test did: a signed event still gets its 200 and its work, and nothing escaped the handler. */
async function expectUnharmed(): Promise<void> {
  expect(await postSigned(paymentEvent())).toEqual({ status: 200, text: '{"received":true}' });
  await logged(new RegExp(`payment pi_demoApp${eventCount} succeeded`));
  expect(crashes).toEqual([]);
}

const head = (headers: string) => `POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`;

describe('the example app against hostile clients', () => {
  it('survives a client that closes mid-body: no unhandled rejection, the next event gets 200', async () => {
    const arrived = nextRequest();
    const client = await connectRaw();
    client.socket.write(head('Content-Length: 1000\r\n') + '{"id":"evt_cut');
    const request = await arrived;
    const requestClosed = new Promise((resolve) => request.once('close', resolve));
    client.socket.destroy();
    await within(requestClosed, 5_000, () => 'the app never saw the client go');
    await expectUnharmed();
  });

  it('answers 400 with a one-line reason to a correctly signed body that is not JSON', async () => {
    const answer = await postSigned('{"id": "evt_1", not json');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: expect.stringMatching(/^body is not JSON: [^\n]+$/) as unknown });
    await expectUnharmed();
  });

  it('answers 400 to a correctly signed body that is JSON but no event (null, [], no data.object)', async () => {
    for (const body of ['null', '[]', '{"id":"evt_x","type":"payment_intent.succeeded"}']) {
      const answer = await postSigned(body);
      expect({ body, ...answer }).toEqual({ body, status: 400, text: '{"error":"body is not a Stripe event (no id, type or data.object)"}' });
    }
    await expectUnharmed();
  });

  it('a bad signature still gets one line: the SDK\'s message is several', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/webhook`, { method: 'POST', body: paymentEvent(), headers: { 'Stripe-Signature': 't=1,v1=00' } });
    expect(response.status).toBe(400);
    expect(JSON.parse(await response.text())).toEqual({ error: expect.stringMatching(/^Webhook signature verification failed: [^\n]+$/) as unknown });
  });

  it('cuts a client that sends its headers and part of the body, then nothing, within the time limit (408)', async () => {
    const client = await connectRaw();
    const started = performance.now();
    client.socket.write(head('Content-Length: 1000\r\n') + '{"id":"evt_slow');
    const answer = await client.closed();
    // Node checks at most every TIMEOUT_MS here (once a second by default): the cut comes within two of them.
    expect(performance.now() - started).toBeLessThan(2 * TIMEOUT_MS + 1_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await expectUnharmed();
  });

  it('cuts a client that never finishes its headers, within the time limit (408)', async () => {
    const client = await connectRaw();
    const started = performance.now();
    client.socket.write('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nStripe-Signa');
    const answer = await client.closed();
    expect(performance.now() - started).toBeLessThan(2 * TIMEOUT_MS + 1_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await expectUnharmed();
  });

  it('answers 413 at once to a declared body over 1 MiB, without waiting for it, and closes', async () => {
    const client = await connectRaw();
    client.socket.write(head(`Content-Length: ${2 * ONE_MIB}\r\n`) + '{"id":"evt_big');
    const answer = await client.closed();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('{"error":"body over 1 MiB"}');
    await expectUnharmed();
  });

  it('answers 413 to a chunked body that grows over 1 MiB, and closes', async () => {
    const client = await connectRaw();
    client.socket.write(head('Transfer-Encoding: chunked\r\n'));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let sent = 0; sent <= ONE_MIB; sent += chunk.length) client.socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`);
    const answer = await client.closed();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('{"error":"body over 1 MiB"}');
    await expectUnharmed();
  });

  it('work that fails after the 200 is logged, not a crash, and a redelivery of that event runs it again', async () => {
    const body = paymentEvent();
    logFault = (line) => {
      if (line.includes('succeeded')) {
        logFault = undefined;
        throw new Error('the order database is down\nsecond line');
      }
    };
    expect((await postSigned(body)).status).toBe(200);
    await logged(/payment_intent\.succeeded evt_demoApp\d+: failed after the 200, retry or alert: the order database is down$/);
    expect((await postSigned(body)).status).toBe(200);
    await logged(/payment pi_demoApp\d+ succeeded: 2000 eur/);
    expect(lines.filter((line) => line.includes('already handled'))).toEqual([]);
    await expectUnharmed();
  });
});

describe('what the example app logs', () => {
  const event = (type: string, object: Record<string, unknown>) =>
    JSON.stringify({ id: `evt_demoApp${++eventCount}`, object: 'event', type, data: { object } });

  it('says what happened to an object in words: "succeeded", "is pending", "is past due", never "is succeeded"', async () => {
    for (const [type, object] of [
      ['charge.succeeded', { id: 'ch_ok', object: 'charge', payment_intent: 'pi_1', status: 'succeeded' }],
      ['charge.pending', { id: 'ch_wait', object: 'charge', payment_intent: 'pi_1', status: 'pending' }],
      ['invoice.paid', { id: 'in_1', object: 'invoice', status: 'paid' }],
      ['customer.subscription.updated', { id: 'sub_1', object: 'subscription', status: 'past_due' }],
    ] as const) {
      expect((await postSigned(event(type, object))).status).toBe(200);
    }
    await logged(/^charge ch_ok of payment pi_1 succeeded$/);
    await logged(/^charge ch_wait of payment pi_1 is pending$/);
    await logged(/^invoice in_1 is paid$/);
    await logged(/^subscription sub_1 is past due: update the customer's access$/);
    expect(lines.filter((line) => / is \w+ed\b/.test(line))).toEqual([]);
  });
});
