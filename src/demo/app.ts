/**
 * A Stripe webhook endpoint written the way Stripe's documentation asks, and the
 * one `stripe-hooks demo` runs. Copy it as a starting point:
 *
 * 1. Read the raw body: the signature is over the exact bytes Stripe sent, so a
 *    parsed and re-serialised JSON body never verifies.
 * 2. Verify it with the SDK's `webhooks.constructEvent`; answer 400 when that throws
 *    (no signature, wrong secret, body changed, or signed over 300 s ago).
 * 3. Answer 200 at once, then do the work: Stripe waits at most 30 s and sends the event
 *    again after a slow answer. A failure after the 200 is this app's to retry or alert on.
 * 4. Expect duplicates: Stripe delivers at least once, so skip event ids already handled.
 * 5. Bound what a client can cost: a body cap (413) and a time limit on the whole request
 *    (408), and no throw that escapes the handler, so one bad request never stops the app.
 *
 * Run it on its own: `STRIPE_WEBHOOK_SECRET=whsec_… node dist/demo/app.js` (port 4242, or PORT),
 * then, with the same STRIPE_WEBHOOK_SECRET exported, `stripe-hooks trigger-flow payment --offline`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface WebhookAppOptions {
  /** The endpoint's signing secret (whsec_…). */
  secret: string;
  /** Where the handler reports what it did. */
  log?: (line: string) => void;
  /** How long a client may take to send a whole request, headers and body (default 10 s). */
  timeoutMs?: number;
  /**
   * Called each time the app takes an event's work on (once per id, unless the work failed and may be retried):
   * what a test counts, and what `demo` hands the audit (its `processed`), so the duplicate check sees the work.
   */
  onProcess?: (eventId: string) => void;
}

const MAX_BODY_BYTES = 1024 * 1024; // Stripe's events are tens of KiB; refuse anything bigger
const TIMEOUT_MS = 10_000; // Stripe sends each request at once; only a stalled or hostile client takes longer

/** A request refused with a status and a one-line reason. */
class Refused extends Error {
  constructor(readonly status: number, reason: string) {
    super(reason);
  }
}

export function createWebhookApp({ secret, log = () => {}, timeoutMs = TIMEOUT_MS, onProcess }: WebhookAppOptions): Server {
  // In production keep this in your database, with the work the event triggered.
  const handled = new Set<string>();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST' || request.url !== '/webhook') throw new Refused(404, 'not found');
    const rawBody = await readBody(request);

    let event: Stripe.Event;
    try {
      // Verification is local: it needs the signing secret, not an API key.
      event = Stripe.webhooks.constructEvent(rawBody, request.headers['stripe-signature'] ?? '', secret);
    } catch (error) {
      // constructEvent parses only after the signature verified: a SyntaxError is a signed body that is not JSON.
      const reason = error instanceof SyntaxError ? 'body is not JSON' : 'Webhook signature verification failed';
      throw new Refused(400, `${reason}: ${firstLine(error)}`);
    }
    if (!isEvent(event)) throw new Refused(400, 'body is not a Stripe event (no id, type or data.object)');

    reply(response, 200, { received: true });
    if (handled.has(event.id)) return log(`${event.type} ${event.id}: already handled, skipped`);
    handled.add(event.id);
    onProcess?.(event.id);
    setImmediate(() => {
      try {
        handleEvent(event, log);
      } catch (error) {
        // Stripe has its 200 and will not send this again: retrying or alerting is ours now.
        handled.delete(event.id);
        log(`${event.type} ${event.id}: failed after the 200, retry or alert: ${firstLine(error)}`);
      }
    });
  };

  const server = createServer(
    // Node answers 408 and closes a connection whose headers, or whole request, take longer than this; it
    // looks once a second. Its defaults (60 s, 300 s) let a few slow clients hold sockets for minutes.
    { headersTimeout: timeoutMs, requestTimeout: timeoutMs, connectionsCheckingInterval: Math.min(timeoutMs, 1000) },
    (request, response) => {
      // A rejection here would be nobody's to catch (the server ignores the promise) and would end the process.
      handle(request, response).catch((error: unknown) => {
        if (error instanceof Refused) return reply(response, error.status, { error: error.message });
        log(`${request.method} ${request.url}: ${firstLine(error)}`); // mostly 'aborted': the client went away
        reply(response, 500, { error: 'internal error' });
      });
    },
  );
  return server;
}

/** Answers once. Closes the connection after answering before the body's end (404, 413): Node would read the rest. */
function reply(response: ServerResponse, status: number, body: object): void {
  if (response.headersSent || response.destroyed) return;
  const close = response.req.complete ? {} : { Connection: 'close' };
  response.writeHead(status, { 'Content-Type': 'application/json', ...close }).end(JSON.stringify(body));
}

/** A Stripe status in a sentence: "succeeded", "failed", "canceled" read as what happened; others as a state ("is past due"). */
const statusPhrase = (status: string): string => (status.endsWith('ed') ? status : `is ${status.replaceAll('_', ' ')}`);

/** The business logic, after the answer has gone out. */
function handleEvent(event: Stripe.Event, log: (line: string) => void): void {
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intent = event.data.object;
      return log(`payment ${intent.id} succeeded: ${intent.amount_received} ${intent.currency}, fulfil the order`);
    }
    case 'payment_intent.processing':
      return log(`payment ${event.data.object.id} is processing: tell the customer it is on its way`);
    case 'payment_intent.requires_action':
      return log(`payment ${event.data.object.id} needs the customer to authenticate: send them a link`);
    case 'payment_intent.created':
      return log(`payment ${event.data.object.id} created for ${event.data.object.amount} ${event.data.object.currency}`);
    case 'charge.pending':
    case 'charge.succeeded': {
      const charge = event.data.object;
      return log(`charge ${charge.id} of payment ${String(charge.payment_intent)} ${statusPhrase(charge.status)}`);
    }
    case 'invoice.created':
    case 'invoice.paid':
      return log(`invoice ${event.data.object.id} ${event.data.object.status === null ? 'has no status' : statusPhrase(event.data.object.status)}`);
    case 'customer.subscription.updated':
      return log(`subscription ${event.data.object.id} ${statusPhrase(event.data.object.status)}: update the customer's access`);
    case 'transfer.created':
      return log(`transfer ${event.data.object.id} of ${event.data.object.amount} to ${String(event.data.object.destination)}`);
    default:
      return log(`${event.type}: not handled here`);
  }
}

/** The raw body; refused over the cap, rejected when the client goes away before its end. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  if (Number(request.headers['content-length']) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else reject(tooLarge()); // the rest is read and dropped until the connection closes
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject); // 'aborted': the client closed mid-body, or Node's timeout cut it
  });
}

const tooLarge = () => new Refused(413, `body over ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

/** What handleEvent reads: constructEvent returns whatever JSON was signed, `null` and `[]` included. */
function isEvent(value: unknown): value is Stripe.Event {
  const event = value as Partial<Stripe.Event> | null;
  return typeof event?.id === 'string' && typeof event.type === 'string' && typeof event.data?.object === 'object' && event.data.object !== null;
}

/** Starts the app on host:port (port 0 picks a free one) and says where it listens. */
export async function startWebhookApp(
  options: WebhookAppOptions & { host?: string; port?: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createWebhookApp(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/webhook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// `node dist/demo/app.js`: the example as a standalone server.
