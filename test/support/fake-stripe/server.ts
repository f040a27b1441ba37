/**
 * A fake Stripe on one 127.0.0.1 port, where Stripe's servers would be: the REST API that
 * `stripe trigger` fixtures call, the session endpoint and websocket `stripe listen` uses, and
 * realistic signed events. Tests inject faults and await what happened; nothing sleeps.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { Recorder, type Match } from '../recorder.js';
import { matchRoute, type Call } from './api.js';
import { checkApiKey } from './auth.js';
import { buildEvent, EventStream, placeholderObject, type EventOrigin, type StripeEvent } from './events.js';
import { parseForm, type FormParams } from './form.js';
import { checkMeterToken, METER_STREAM_PATH } from './resources/billing-meters.js';
import { ROUTES } from './routes.js';
import { Sessions, type ListenerFeature, type ListenerSession, type WebhookResponse } from './sessions.js';
import { buildThinEvent, type ThinEmitInput, type ThinEvent } from './thin-events.js';
import { invalidRequest, newId, Store, StripeApiError, type StripeErrorBody, type StripeObject } from './store.js';

export interface FakeStripeOptions {
  /** Keys the API accepts; default: any test-mode key (`sk_test_…`, `rk_test_…`). */
  apiKeys?: string[];
  /** The `whsec_…` every listener session gets; default: a fresh random one. */
  secret?: string;
  /** The account's API version (events, session answer); default: the SDK's pinned version. */
  apiVersion?: string;
  /** Seconds between the CLI's planned websocket reconnects (the session's `reconnect_delay`). */
  reconnectDelay?: number;
  /** A session's own secret, by the features it asked for (undefined: `secret`): two `stripe listen` given different secrets. */
  secretFor?: (features: readonly ListenerFeature[]) => string | undefined;
  /**
   * Also serve on this unix socket: with `STRIPE_CLI_UNIX_SOCKET` set to it, the Stripe CLI sends all its traffic
   * here, to Stripe's own hosts included (the billing meter fixtures' `meter-events.stripe.com`), none to the network.
   */
  unixSocket?: string;
}

export interface RecordedRequest {
  requestId: string;
  method: string;
  path: string;
  /** Form body (POST) or query (GET/DELETE), parsed: `items[0][price]` -> `{ items: [{ price }] }`. */
  params: FormParams;
  rawBody: string;
  headers: IncomingMessage['headers'];
  status: number;
  response: unknown;
  /** Answered from the idempotency cache: no side effects, no events. */
  replayed: boolean;
}

export interface PathFault {
  path: string | RegExp;
  status: number;
  method?: string;
  /** How many calls fail; default: all of them until `clearFaults()`. */
  times?: number;
  error?: Partial<StripeErrorBody>;
}

export interface EmitInput {
  type: string;
  object?: Record<string, unknown>;
  previousAttributes?: Record<string, unknown>;
  account?: string;
  /** Stripe's `created` (unix seconds); default: now. Lets a test emit events whose creation order differs from their sending order. */
  created?: number;
  /** Emit it as a live-mode event (`livemode: true`), as a live account would. */
  livemode?: boolean;
}

export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>;

export async function startFakeStripe(options: FakeStripeOptions = {}) {
  const apiVersion = options.apiVersion ?? Stripe.API_VERSION;
  const secret = options.secret ?? newId('whsec', 32);
  const store = new Store();
  const requests = new Recorder<RecordedRequest>((r) => `${r.method} ${r.path} -> ${r.status}`);
  const faults: Array<PathFault & { left: number }> = [];
  const idempotent = new Map<string, { status: number; body: unknown }>();
  let url = '';
  const sessions = new Sessions({ baseUrl: () => url, secret, apiVersion, reconnectDelay: options.reconnectDelay ?? 60, secretFor: options.secretFor });
  const thinEvents = new Recorder<ThinEvent>((event) => `${event.type} [${event.id}]`);
  const stream = new EventStream((event) => {
    store.add(event as unknown as StripeObject); // for GET /v1/events
    sessions.deliver(event);
  });
  const publish = (event: StripeEvent) => stream.publish(event);
  /** While set, `POST /v1/stripecli/sessions` waits for it: a listener's slow start, widened at will. */
  let sessionGate: Promise<void> | undefined;

  function takeFault(method: string, path: string): PathFault | undefined {
    const fault = faults.find(
      (f) => f.left > 0 && (!f.method || f.method.toUpperCase() === method) && (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    if (fault) fault.left -= 1;
    return fault;
  }

  function answer(method: string, path: string, params: FormParams, headers: IncomingMessage['headers'], origin: EventOrigin) {
    const events: StripeEvent[] = [];
    const thin: ThinEvent[] = [];
    const fault = takeFault(method, path);
    if (fault) {
      const type = fault.status >= 500 ? 'api_error' : 'invalid_request_error';
      return { status: fault.status, body: { error: { type, message: `Injected failure for ${method} ${path}`, ...fault.error } }, events, thin };
    }
    try {
      if (path === METER_STREAM_PATH) checkMeterToken(headers.authorization, store);
      else checkApiKey(headers.authorization, options.apiKeys);
      if (method === 'POST' && path === '/v1/stripecli/sessions') return { status: 200, body: sessions.create(params, headers), events, thin };
      const found = matchRoute(ROUTES, method, path);
      if (!found) throw invalidRequest(`Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`, {}, 404);
      const call: Call = {
        method,
        path,
        params,
        ids: found.ids,
        store,
        emit: (type, object, previous, connected) => events.push(buildEvent(type, object, apiVersion, connected ? { ...origin, account: connected } : origin, previous)),
        emitThin: (input) => thin.push(buildThinEvent(input, origin.requestId ?? undefined)),
      };
      return { status: 200, body: found.route.handler(call), events, thin };
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      // A declined card still leaves its events behind (payment_intent.payment_failed, …).
      return { status: error.status, body: { error: error.body }, events, thin };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const target = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (target.pathname === '/v1/stripecli/sessions') await sessionGate;
    const method = (req.method ?? 'GET').toUpperCase();
    // v2 endpoints take JSON; v1 ones a form.
    const json = method === 'POST' && target.pathname.startsWith('/v2/') && rawBody !== '';
    const params = json ? (JSON.parse(rawBody) as FormParams) : parseForm(method === 'POST' ? rawBody : target.search.slice(1));
    const requestId = newId('req', 14);
    const idempotencyKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const account = typeof req.headers['stripe-account'] === 'string' ? req.headers['stripe-account'] : undefined;
    const cacheKey = idempotencyKey && method === 'POST' ? `${account ?? ''} ${target.pathname} ${idempotencyKey}` : undefined;
    const cached = cacheKey ? idempotent.get(cacheKey) : undefined;
    const result = cached
      ? { ...cached, events: [], thin: [] }
      : answer(method, target.pathname, params, req.headers, { requestId, idempotencyKey, account });
    if (cacheKey && !cached && result.status < 500) idempotent.set(cacheKey, { status: result.status, body: result.body });
    requests.push({ requestId, method, path: target.pathname, params, rawBody, headers: req.headers, status: result.status, response: result.body, replayed: Boolean(cached) });
    res.writeHead(result.status, {
      'Content-Type': 'application/json',
      'Request-Id': requestId,
      'Stripe-Version': String(req.headers['stripe-version'] ?? apiVersion),
      ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
      ...(cached ? { 'Idempotent-Replayed': 'true' } : {}),
    });
    res.end(JSON.stringify(result.body, null, 2));
    for (const event of result.events) publish(event);
    for (const event of result.thin) publishThin(event);
  }

  function publishThin(event: ThinEvent): void {
    thinEvents.push(event);
    sessions.deliverThin(event);
  }

  const serve = () => {
    const server = createServer((req, res) => {
      handle(req, res).catch((error: unknown) => {
        // A bug in the fake: answer like Stripe's 500 so the CLI fails loudly, and keep the cause for the test log.
        console.error('fake-stripe handler crashed:', error);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: `fake-stripe bug: ${String(error)}` } }));
      });
    });
    server.on('upgrade', (req, socket, head) => sessions.upgrade(req, socket, head));
    return server;
  };
  const servers = [serve(), ...(options.unixSocket === undefined ? [] : [serve()])];
  const [server, onSocket] = servers as [Server, Server | undefined];
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  if (onSocket) await new Promise<void>((resolve) => onSocket.listen(options.unixSocket, resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** `http://127.0.0.1:PORT`: what `--api-base` takes. */
    url,
    secret,
    apiVersion,
    store,
    /** Every REST call, in arrival order. */
    requests: requests.items,
    sessions: sessions.sessions.items,
    /** Every event published (not dropped), in order. */
    events: stream.emitted.items,
    /** Every thin event published, in order. */
    thinEvents: thinEvents.items,
    deliveries: sessions.deliveries.items,
    replies: sessions.replies.items,
    responses: sessions.responses.items,

    /** Publishes an event to every connected listener and returns it. */
    emit(input: string | EmitInput): StripeEvent {
      const spec = typeof input === 'string' ? { type: input } : input;
      const event = buildEvent(spec.type, spec.object ?? placeholderObject(spec.type), apiVersion, { account: spec.account }, spec.previousAttributes, spec.created);
      if (spec.livemode) event.livemode = true;
      publish(event);
      return event;
    },
    /** Publishes a thin event (`v2_event`) to every connected listener that asked for thin events, and returns it. */
    emitThin(input: string | ThinEmitInput): ThinEvent {
      const event = buildThinEvent(typeof input === 'string' ? { type: input } : input);
      publishThin(event);
      return event;
    },
    waitForRequest(match: string | Match<RecordedRequest>, timeoutMs?: number): Promise<RecordedRequest> {
      const test = typeof match === 'string' ? (r: RecordedRequest) => `${r.method} ${r.path}` === match || r.path === match : match;
      return requests.waitFor(test, `request ${typeof match === 'string' ? match : 'matching'}`, timeoutMs);
    },
    /** Resolves once a listener has a websocket connection (the `n`th connection overall: reconnects count). */
    waitForSession(n = 1, timeoutMs?: number): Promise<ListenerSession> {
      return sessions.connections.waitFor(() => sessions.connections.items.length >= n, `websocket connection #${n}`, timeoutMs).then(
        () => sessions.connections.items[n - 1] as ListenerSession,
      );
    },
    waitForEvent(match: string | Match<StripeEvent>, timeoutMs?: number): Promise<StripeEvent> {
      const test = typeof match === 'string' ? (e: StripeEvent) => e.type === match : match;
      return stream.emitted.waitFor(test, `event ${typeof match === 'string' ? match : 'matching'}`, timeoutMs);
    },
    waitForAck(eventId: string, timeoutMs?: number) {
      return sessions.replies.waitFor((r) => r.type === 'event_ack' && r.eventId === eventId, `event_ack for ${eventId}`, timeoutMs);
    },
    /** The listener's report of how the app answered this event. */
    waitForResponse(eventId: string, timeoutMs?: number): Promise<WebhookResponse> {
      return sessions.responses.waitFor((r) => r.eventId === eventId, `webhook_response for ${eventId}`, timeoutMs);
    },

    /** Answer calls to `path` with `status` and Stripe's error JSON. */
    failPath(path: string | RegExp, status: number, fault: Omit<PathFault, 'path' | 'status'> = {}): void {
      faults.push({ path, status, ...fault, left: fault.times ?? Infinity });
    },
    dropEvent(type: string): void {
      stream.drop(type);
    },
    delayEvent(type: string, ms: number): void {
      stream.delay(type, ms);
    },
    clearFaults(): void {
      faults.length = 0;
      stream.clearFaults();
    },
    /** Holds every listener session's answer until the returned function is called (`stripe listen` stays not ready). */
    holdSessions(): () => void {
      let release!: () => void;
      sessionGate = new Promise((resolve) => (release = resolve));
      return () => {
        sessionGate = undefined;
        release();
      };
    },
    /** Server-side close of every listener websocket (the CLI reconnects); `expire` also forgets the sessions. */
    disconnectListeners(opts: { expire?: boolean } = {}): void {
      sessions.disconnect(opts);
    },

    async close(): Promise<void> {
      stream.close();
      sessions.close();
      await Promise.all(
        servers.map((each) => {
          each.closeAllConnections();
          return new Promise<void>((resolve) => each.close(() => resolve()));
        }),
      );
    },
  };
}
