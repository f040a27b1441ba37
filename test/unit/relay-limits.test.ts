/**
 * What a request the relay has not verified may cost, over real sockets: anyone who reads the token from `ps` can
 * open connections and send slowly. Bytes held, connections open and the time headers and bodies may take are
 * bounded, and signed deliveries still pass while that goes on. Tight limits keep the test small.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { app, closeAfterEach, event, relayTo, send, stripeSignature } from '../support/relay-harness.js';

closeAfterEach();

interface Raw {
  socket: Socket;
  /** What the relay answered, as text. */
  received: () => string;
  closed: Promise<void>;
}

/** A connection to the relay that sends exactly `text` and nothing more. */
async function raw(url: string, text: string): Promise<Raw> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined); // a reset is one way of being closed
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  if (text) socket.write(text);
  return { socket, received: () => received, closed };
}

/** The start of a POST to `url` announcing `length` body bytes, and the first `sent` of them. */
function slowBody(url: string, length: number, sent: number): string {
  const { pathname, host } = new URL(url);
  return `POST ${pathname} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${length}\r\n\r\n${'x'.repeat(sent)}`;
}

const KiB = 1024;

describe('unverified bytes', () => {
  it('holds at most the cap across connections: past it, the request holding the most gets 503 and is closed', async () => {
    const target = await app();
    const { relay, refused } = await relayTo(`${target.origin}/webhook`, { limits: { unverifiedBytes: 64 * KiB } });
    const url = relay.url('forward');
    const held = () => relay.load().unverifiedBytes;
    const large = await raw(url, slowBody(url, 100 * KiB, 40 * KiB));
    const small = await raw(url, slowBody(url, 100 * KiB, 20 * KiB));
    await vi.waitFor(() => expect(held()).toBe(60 * KiB));

    // 30 KiB more do not fit: the 40 KiB one goes, however the 30 KiB arrive.
    const middle = await raw(url, slowBody(url, 100 * KiB, 30 * KiB));
    await large.closed;
    await vi.waitFor(() => expect(held()).toBe(50 * KiB));
    expect(refused).toEqual(['busy']);

    // Full to the byte: a signed delivery still gets in, in place of the largest (the 30 KiB one).
    const filler = await raw(url, slowBody(url, 100 * KiB, 14 * KiB));
    await vi.waitFor(() => expect(held()).toBe(64 * KiB));
    expect((await send(url, { body: event('charge.succeeded') })).status).toBe(200);
    await middle.closed;
    expect(target.requests).toHaveLength(1);
    expect(relay.load().peakUnverifiedBytes).toBe(64 * KiB);

    for (const connection of [small, filler]) connection.socket.destroy();
    await vi.waitFor(() => expect(held()).toBe(0));
    expect(relay.load().peakUnverifiedBytes).toBe(64 * KiB);
  });
});

describe('connections', () => {
  it('keeps at most the cap open: new ones evict the oldest unverified, never one that carried a signed delivery', async () => {
    const target = await app();
    const { relay } = await relayTo(`${target.origin}/webhook`, { limits: { connections: 4 } });
    const url = relay.url('forward');
    // The Stripe CLI's side: one kept-alive connection.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const signed = (body: string) =>
      new Promise<{ status: number; socket: Socket }>((resolve, reject) => {
        const request = httpRequest(url, { method: 'POST', agent, headers: { 'Stripe-Signature': stripeSignature(body), 'Content-Length': Buffer.byteLength(body) } }, (response) => {
          response.resume().on('end', () => resolve({ status: response.statusCode!, socket: request.socket! }));
        });
        request.on('error', reject);
        request.end(body);
      });
    try {
      const first = await signed(event('charge.succeeded'));
      expect(first.status).toBe(200);

      const idle: Raw[] = [];
      for (let i = 0; i < 10; i++) idle.push(await raw(url, ''));
      // 4 slots: the kept-alive one stays, the 3 newest idle ones hold the rest.
      await Promise.all(idle.slice(0, 7).map((connection) => connection.closed));
      expect(relay.load().connections).toBeLessThanOrEqual(4);

      const again = await signed(event('charge.succeeded'));
      expect(again).toMatchObject({ status: 200, socket: first.socket });
      // A new connection gets in too, in place of the oldest idle one.
      expect((await send(url, { body: event('charge.succeeded') })).status).toBe(200);
      await idle[7]!.closed;
      expect(target.requests).toHaveLength(3);
      for (const connection of idle) connection.socket.destroy();
    } finally {
      agent.destroy();
    }
  });
});

describe('deadlines', () => {
  it('closes connections whose headers do not arrive in time, token or not', async () => {
    const target = await app();
    const { relay } = await relayTo(`${target.origin}/webhook`, { limits: { headersTimeoutMs: 200 } });
    const { pathname } = new URL(relay.url('forward'));
    const slow = await Promise.all([raw(relay.url('forward'), 'POST /'), raw(relay.url('forward'), `POST ${pathname} HTTP/1.1\r\nHost: x\r\n`), raw(relay.url('forward'), '')]);
    await Promise.all(slow.map((connection) => connection.closed));
    expect(target.requests).toEqual([]);
  });

  it('closes a request whose body does not arrive in time, and gives back its bytes', async () => {
    const target = await app();
    const { relay } = await relayTo(`${target.origin}/webhook`, { limits: { headersTimeoutMs: 200, bodyTimeoutMs: 200 } });
    const url = relay.url('forward');
    const slow = await raw(url, slowBody(url, 10 * KiB, 4 * KiB));
    await slow.closed;
    await vi.waitFor(() => expect(relay.load().unverifiedBytes).toBe(0));
    expect(target.requests).toEqual([]);
  });

  it('answers a request without the token at once and closes it, without waiting for its body', async () => {
    const target = await app();
    const { relay, refused } = await relayTo(`${target.origin}/webhook`);
    const { host } = new URL(relay.url('forward'));
    const stranger = await raw(relay.url('forward'), `POST /nope HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${16 << 20}\r\n\r\n`);
    await stranger.closed;
    expect(stranger.received()).toMatch(/^HTTP\/1\.1 403 /);
    expect(refused).toEqual(['token']);
  });
});
