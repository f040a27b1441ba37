/**
 * A Stripe webhook endpoint written the way Stripe's documentation asks, and the
 * one `stripe-hooks demo` runs. Copy it as a starting point:
 *
 * 1. Read the raw body: the signature is over the exact bytes Stripe sent, so a
 *    parsed and re-serialised JSON body never verifies.
 * 2. Verify it with the SDK's `webhooks.constructEvent`; answer 400 when that throws
 *    (no signature, wrong secret, body changed, or signed over 300 s ago).
 * 3. Answer 200 at once, then do the work: Stripe gives up on slow answers and
 *    delivers the event again.
 * 4. Expect duplicates: Stripe delivers at least once, so skip event ids already handled.
 *
 * Run it on its own: `STRIPE_WEBHOOK_SECRET=whsec_… node dist/demo/app.js` (port 4242, or PORT),
 * then, with the same STRIPE_WEBHOOK_SECRET exported, `stripe-hooks trigger-flow payment --offline`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';

export interface WebhookAppOptions {
  /** The endpoint's signing secret (whsec_…). */
  secret: string;
  /** Where the handler reports what it did. */
  log?: (line: string) => void;
}

const MAX_BODY_BYTES = 1024 * 1024; // Stripe's events are far smaller; refuse anything bigger

export function createWebhookApp({ secret, log = () => {} }: WebhookAppOptions): Server {
  // In production keep this in your database, with the work the event triggered.
  const handled = new Set<string>();

  return createServer(async (request, response) => {
    const reply = (status: number, body: object) => {
      response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/webhook') return reply(404, { error: 'not found' });

    const rawBody = await readBody(request);
    if (!rawBody) return reply(413, { error: 'body too large' });

    let event: Stripe.Event;
    try {
      // Verification is local: it needs the signing secret, not an API key.
      event = Stripe.webhooks.constructEvent(rawBody, request.headers['stripe-signature'] ?? '', secret);
    } catch (error) {
      return reply(400, { error: `Webhook signature verification failed: ${(error as Error).message}` });
    }

    reply(200, { received: true });
    if (handled.has(event.id)) return log(`${event.type} ${event.id}: already handled, skipped`);
    handled.add(event.id);
    setImmediate(() => handleEvent(event, log));
  });
}

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
      return log(`charge ${charge.id} of payment ${String(charge.payment_intent)} is ${charge.status}`);
    }
    case 'invoice.created':
    case 'invoice.paid':
      return log(`invoice ${event.data.object.id} is ${event.data.object.status}`);
    case 'customer.subscription.updated':
      return log(`subscription ${event.data.object.id} is ${event.data.object.status}: update the customer's access`);
    case 'transfer.created':
      return log(`transfer ${event.data.object.id} of ${event.data.object.amount} to ${String(event.data.object.destination)}`);
    default:
      return log(`${event.type}: not handled here`);
  }
}

/** The raw request body, or undefined when it is over the limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
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
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const secret = process.env.STRIPE_WEBHOOK_SECRET;
  const port = Number(process.env.PORT ?? 4242);
  if (secret) {
    startWebhookApp({ secret, port, log: console.log }).then(
      (app) => console.log(`listening at ${app.url}`),
      (error: Error) => {
        console.error(`cannot listen on port ${port}: ${error.message}`);
        process.exitCode = 1;
      },
    );
  } else {
    console.error('set STRIPE_WEBHOOK_SECRET to the endpoint\'s signing secret (whsec_…)');
    process.exitCode = 1;
  }
}
