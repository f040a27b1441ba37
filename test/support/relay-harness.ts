/**
 * The relay between a caller playing the Stripe CLI and a wire-level app, over real HTTP on loopback, for the
 * relay's unit tests: every report it makes, in order, and requests sent exactly as given.
 */
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { afterEach } from 'vitest';
import { createHmac } from 'node:crypto';
import type { Refusal } from '../../src/relay/admission.js';
import type { Delivery, Received } from '../../src/relay/delivery-facts.js';
import { startRelay, type Relay, type RelayOptions } from '../../src/relay/relay.js';
import { Recorder } from './recorder.js';
import { startApp, type App, type Handler } from './wire-app.js';

const apps: App[] = [];
let relay: Relay | undefined;

/** Closes the relay and the apps a test started; call once at a test file's top level. */
export function closeAfterEach(): void {
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
}

export async function app(handler?: Handler): Promise<App> {
  const started = await startApp(handler);
  apps.push(started);
  return started;
}

export type Report = { kind: 'received'; report: Received } | { kind: 'delivery'; report: Delivery };

/** The session secret relayTo() tells its relay, and send() signs with unless told otherwise. */
export const SESSION_SECRET = `whsec_${'5e'.repeat(32)}`;

/**
 * A relay whose reports land in `log`, in the order they were made. It knows SESSION_SECRET at once, as after
 * `stripe listen` is ready, unless `secret: null` (then it holds what comes until the test calls expectSignedBy).
 */
export async function relayTo(forwardTo: string, options: Partial<RelayOptions> & { secret?: string | null } = {}) {
  const log = new Recorder<Report>(({ kind, report }) => `${kind} ${report.seq} ${report.id ?? '?'}`);
  const diagnostics: string[] = [];
  const held = new Recorder<string>((text) => text);
  const refused: Refusal[] = [];
  const { secret = SESSION_SECRET, ...relayOptions } = options;
  relay = await startRelay({
    routing: { forwardTo, routes: [] },
    onReceived: (report) => log.push({ kind: 'received', report }),
    onDelivery: (report) => log.push({ kind: 'delivery', report }),
    onRefused: (reason) => refused.push(reason),
    log: (text) => {
      diagnostics.push(text);
      if (text.startsWith('relay: holding')) held.push(text);
    },
    ...relayOptions,
  });
  if (secret !== null) relay.expectSignedBy(secret);
  const deliveries = () => log.items.flatMap((entry) => (entry.kind === 'delivery' ? [entry.report] : []));
  /** The deliveries once there are `n`. */
  const delivered = async (n: number) => {
    await log.waitFor(() => deliveries().length >= n, `${n} deliveries`);
    return deliveries();
  };
  /** Resolves once the relay has taken the n-th request (from 1). */
  const received = (n: number) => log.waitFor(() => log.items.filter((entry) => entry.kind === 'received').length >= n, `${n} received`);
  /** Resolves once the relay holds (or has held) n requests, waiting for the session secret. */
  const holding = (n: number) => held.waitFor(() => held.items.length >= n, `${n} held`);
  return { relay, log, diagnostics, refused, deliveries, delivered, received, holding };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/**
 * One request on its own connection, exactly as given (the Stripe CLI's side of the relay); a body is signed with
 * SESSION_SECRET as Stripe would, unless the headers carry a Stripe-Signature or `sign` is false.
 */
export function send(url: string, options: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer | string; chunked?: boolean; sign?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const signed = body && options.sign !== false && !Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'stripe-signature');
    const headers = {
      ...(body && !options.chunked && { 'Content-Length': body.length }),
      ...(signed && { 'Stripe-Signature': stripeSignature(body) }),
      ...options.headers,
    };
    const request = httpRequest(url, { method: options.method ?? 'POST', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, rawHeaders: response.rawHeaders, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    if (body && options.chunked) request.write(body);
    request.end(body && !options.chunked ? body : undefined);
  });
}

/** Stripe's signature over exactly these bytes (UTF-8 or not), with SESSION_SECRET, timestamped now. */
export function stripeSignature(body: Buffer | string, secret = SESSION_SECRET): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`;
}

let nextId = 0;
export function event(type: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: `evt_test_${++nextId}`, object: 'event', type, livemode: false, api_version: '2026-10-28.endive', created: 1_800_000_000, ...extra });
}
