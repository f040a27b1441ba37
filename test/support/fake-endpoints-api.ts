/**
 * A fake of Stripe's /v1/webhook_endpoints REST API on 127.0.0.1, for the real SDK over
 * real HTTP: Stripe's JSON shapes and error bodies, form-encoded bodies with brackets,
 * list pagination (limit / starting_after / has_more, newest first),
 * test and live mode kept apart by the key, and Idempotency-Key handled as Stripe does
 * (a successful POST's answer is saved and replayed with `Idempotent-Replayed: true`;
 * reusing a key with other parameters is an idempotency_error). Faults can be injected:
 * an error status (429, 500, with any headers) or a connection dropped before or after
 * the request took effect, or an answer held (never sent). Every request is recorded, awaitably.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_TYPES } from '../../src/flows/event-types.js';
import { parseForm, type FormParams, type FormValue } from './fake-stripe/form.js';
import { Recorder } from './recorder.js';

export interface FakeEndpoint {
  id: string;
  object: 'webhook_endpoint';
  api_version: string | null;
  application: null;
  created: number;
  description: string | null;
  enabled_events: string[];
  livemode: boolean;
  metadata: Record<string, string>;
  status: 'enabled' | 'disabled';
  url: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: FormParams;
  /** The status answered, 'dropped' when the connection was cut, 'held' while it waits for an answer that never comes. */
  status: number | 'dropped' | 'held';
  at: number;
  /** A held request: resolves when the client closes the connection. */
  closed?: Promise<void>;
}

export interface Fault {
  method?: string;
  /** Exact path or pattern; any path when absent. */
  path?: string | RegExp;
  status?: number;
  headers?: Record<string, string>;
  /** The error message for a `status` fault. */
  message?: string;
  /** Cut the connection instead of answering: before the request takes effect, or after. */
  drop?: 'before' | 'after';
  /** Never answer: the request stays in flight until the client gives up (or close()). */
  hold?: boolean;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const KNOWN_EVENTS = new Set<string>(['*', ...EVENT_TYPES]);
const CREATE_PARAMS = new Set(['url', 'enabled_events', 'api_version', 'connect', 'description', 'metadata', 'expand']);
const UPDATE_PARAMS = new Set(['url', 'enabled_events', 'description', 'disabled', 'metadata', 'expand']);
const KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/;

const stripeError = (status: number, message: string, extra: Record<string, string> = {}): Answer => ({
  status,
  body: { error: { message, type: status >= 500 ? 'api_error' : 'invalid_request_error', ...extra } },
});
const randomId = (prefix: string, length = 24) => prefix + randomBytes(length).toString('base64url').replace(/[-_]/g, 'x').slice(0, length);

export type FakeEndpointsApi = Awaited<ReturnType<typeof startFakeEndpointsApi>>;

/** `keys`: the only API keys accepted (default: any well-formed key). */
export async function startFakeEndpointsApi(options: { keys?: string[] } = {}) {
  const endpoints: (FakeEndpoint & { connect: boolean })[] = [];
  const log = new Recorder<RecordedRequest>((request) => `${request.method} ${request.path}`);
  const requests = log.items;
  const faults: (Fault & { left: number })[] = [];
  const saved = new Map<string, { fingerprint: string; answer: Answer }>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: parseForm(raw),
        status: 0,
        at: Date.now(),
      };
      const fault = takeFault(record);
      if (fault?.hold) {
        record.status = 'held';
        record.closed = new Promise((resolve) => res.on('close', () => resolve()));
      }
      log.push(record);
      if (fault?.hold) return;
      if (fault?.drop === 'before') return drop(res, record);
      const answer = fault?.status ? { ...faultAnswer(fault.status, fault.message), headers: fault.headers } : handle(record, raw);
      if (fault?.drop === 'after') return drop(res, record);
      send(res, record, answer);
    });
  });

  function takeFault(request: RecordedRequest): Fault | undefined {
    const fault = faults.find(
      (f) =>
        f.left > 0 &&
        (!f.method || f.method === request.method) &&
        (!f.path || (typeof f.path === 'string' ? f.path === request.path : f.path.test(request.path))),
    );
    if (fault) fault.left--;
    return fault;
  }

  function handle(request: RecordedRequest, raw: string): Answer {
    const key = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    if (!key) return stripeError(401, 'You did not provide an API key.');
    if (!KEY.test(key) || (options.keys && !options.keys.includes(key))) {
      return stripeError(401, `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`);
    }
    const livemode = key.includes('_live_');
    const idempotencyKey = request.method === 'POST' ? String(request.headers['idempotency-key'] ?? '') : '';
    const scope = `${key}:${idempotencyKey}`;
    const fingerprint = createHash('sha256').update(`${request.method} ${request.path} ${sortedParams(raw)}`).digest('hex');
    const previous = idempotencyKey ? saved.get(scope) : undefined;
    if (previous && previous.fingerprint !== fingerprint) {
      return stripeError(400, `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`, { type: 'idempotency_error' });
    }
    if (previous) return { ...previous.answer, headers: { ...previous.answer.headers, 'idempotent-replayed': 'true' } };
    const answer = route(request, livemode);
    // Like Stripe, only requests that ran are saved; a validation error can be retried with the same key.
    if (idempotencyKey && answer.status < 400) saved.set(scope, { fingerprint, answer });
    return answer;
  }

  function route(request: RecordedRequest, livemode: boolean): Answer {
    const match = /^\/v1\/webhook_endpoints(?:\/([^/]+))?$/.exec(request.path);
    if (!match) return stripeError(404, `Unrecognized request URL (${request.method}: ${request.path}).`);
    const id = match[1];
    if (!id && request.method === 'GET') return list(request.query, livemode);
    if (!id && request.method === 'POST') return create(request.body, livemode);
    if (!id) return stripeError(404, `Unrecognized request URL (${request.method}: ${request.path}).`);
    const endpoint = endpoints.find((candidate) => candidate.id === id && candidate.livemode === livemode);
    if (!endpoint) return stripeError(404, `No such webhook endpoint: '${id}'`, { code: 'resource_missing', param: 'id' });
    if (request.method === 'GET') return ok(endpoint);
    if (request.method === 'POST') return update(endpoint, request.body);
    if (request.method === 'DELETE') {
      endpoints.splice(endpoints.indexOf(endpoint), 1);
      return ok({ id: endpoint.id, object: 'webhook_endpoint', deleted: true });
    }
    return stripeError(404, `Unrecognized request URL (${request.method}: ${request.path}).`);
  }

  function list(query: Record<string, string>, livemode: boolean): Answer {
    const limit = Number(query.limit ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return stripeError(400, 'Invalid integer: limit must be between 1 and 100', { param: 'limit' });
    const all = endpoints.filter((endpoint) => endpoint.livemode === livemode).reverse(); // newest first
    let from = 0;
    if (query.starting_after !== undefined) {
      from = all.findIndex((endpoint) => endpoint.id === query.starting_after) + 1;
      if (from === 0) return stripeError(400, `No such webhook endpoint: '${query.starting_after}'`, { param: 'starting_after' });
    }
    const page = all.slice(from, from + limit);
    return ok({ object: 'list', data: page.map(view), has_more: from + limit < all.length, url: '/v1/webhook_endpoints' });
  }

  function create(body: FormParams, livemode: boolean): Answer {
    const invalid = checkParams(body, CREATE_PARAMS) ?? checkUrl(body.url, true) ?? checkEvents(body.enabled_events, true);
    if (invalid) return invalid;
    const apiVersion = typeof body.api_version === 'string' ? body.api_version : null;
    if (apiVersion !== null && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(apiVersion)) return stripeError(400, `Invalid API version: ${apiVersion}`, { param: 'api_version' });
    const endpoint = addEndpoint({
      url: String(body.url),
      enabled_events: formList(body.enabled_events)!,
      api_version: apiVersion,
      description: typeof body.description === 'string' && body.description !== '' ? body.description : null,
      metadata: mergeMetadata({}, body.metadata),
      livemode,
      connect: body.connect === 'true',
    });
    return ok({ ...view(endpoint), secret: randomId('whsec_', 32) });
  }

  function update(endpoint: FakeEndpoint, body: FormParams): Answer {
    const invalid =
      checkParams(body, UPDATE_PARAMS) ??
      (body.url !== undefined ? checkUrl(body.url, false) : undefined) ??
      (body.enabled_events !== undefined ? checkEvents(body.enabled_events, false) : undefined);
    if (invalid) return invalid;
    if (body.url !== undefined) endpoint.url = String(body.url);
    if (body.enabled_events !== undefined) endpoint.enabled_events = formList(body.enabled_events)!;
    if (body.description !== undefined) endpoint.description = body.description === '' ? null : String(body.description);
    if (body.disabled !== undefined) endpoint.status = body.disabled === 'true' ? 'disabled' : 'enabled';
    if (body.metadata !== undefined) endpoint.metadata = mergeMetadata(endpoint.metadata, body.metadata);
    return ok(endpoint);
  }

  function addEndpoint(fields: Omit<FakeEndpoint, 'id' | 'object' | 'application' | 'created' | 'status'> & { connect?: boolean; status?: FakeEndpoint['status'] }) {
    const endpoint = { id: randomId('we_1'), object: 'webhook_endpoint' as const, application: null, created: Math.floor(Date.now() / 1000), status: 'enabled' as const, connect: false, ...fields };
    endpoints.push(endpoint);
    return endpoint;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiBase,
    requests,
    /** The first request (seen or to come) for `METHOD /path`. */
    waitForRequest: (what: string) => log.waitFor((request) => `${request.method} ${request.path}` === what, what),
    /** Requests that could change something (POST, DELETE). */
    writes: () => requests.filter((request) => request.method !== 'GET'),
    /** The endpoints that exist, oldest first, as the API would show them. */
    endpoints: (livemode = false) => endpoints.filter((endpoint) => endpoint.livemode === livemode).map(view),
    /** Adds endpoints directly, as if made earlier (in the Dashboard); not recorded as requests. */
    seed: (...items: (Partial<FakeEndpoint> & { url: string })[]) =>
      items.map((item) => view(addEndpoint({ enabled_events: ['charge.succeeded'], api_version: null, description: null, metadata: {}, livemode: false, ...item }))),
    fault: (fault: Fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function view(endpoint: FakeEndpoint & { connect?: boolean }): FakeEndpoint {
  const { connect: _hidden, ...shown } = endpoint; // Stripe's object has no `connect` field
  return structuredClone(shown);
}

const ok = (body: unknown): Answer => ({ status: 200, body });

function checkParams(body: FormParams, allowed: ReadonlySet<string>): Answer | undefined {
  const unknown = Object.keys(body).find((param) => !allowed.has(param));
  return unknown === undefined ? undefined : stripeError(400, `Received unknown parameter: ${unknown}`, { param: unknown });
}

function checkUrl(value: FormValue | undefined, required: boolean): Answer | undefined {
  if (value === undefined) return required ? stripeError(400, 'Missing required param: url.', { param: 'url', code: 'parameter_missing' }) : undefined;
  try {
    const url = new URL(String(value));
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // reported below
  }
  return stripeError(400, `Invalid URL: ${String(value)}`, { param: 'url', code: 'url_invalid' });
}

function checkEvents(value: FormValue | undefined, required: boolean): Answer | undefined {
  const events = formList(value);
  if (!events?.length) return required ? stripeError(400, 'Missing required param: enabled_events.', { param: 'enabled_events', code: 'parameter_missing' }) : undefined;
  const bad = events.findIndex((event) => !KNOWN_EVENTS.has(event));
  return bad === -1 ? undefined : stripeError(400, `Invalid enabled_events[${bad}]: must be one of ${[...KNOWN_EVENTS].slice(0, 3).join(', ')}, … (${KNOWN_EVENTS.size} values)`, { param: `enabled_events[${bad}]` });
}

/** Stripe's metadata update: keys are merged, an empty value removes a key, `metadata=` removes all. */
function mergeMetadata(current: Record<string, string>, update: FormValue | undefined): Record<string, string> {
  if (update === undefined) return current;
  if (typeof update === 'string') return {};
  const merged = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete merged[key];
    else merged[key] = String(value);
  }
  return merged;
}

/** A form value as a list of strings (`a[0]=x&a[1]=y`, or a single `a=x`). */
function formList(value: FormValue | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  return (Array.isArray(value) ? value : Object.values(value)).map(String);
}

function sortedParams(raw: string): string {
  return [...new URLSearchParams(raw)].map(([key, value]) => `${key}=${value}`).sort().join('&');
}

function faultAnswer(status: number, message?: string): Answer {
  if (status === 429) {
    return stripeError(429, message ?? 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.', { code: 'rate_limit' });
  }
  return stripeError(status, message ?? 'An unknown error occurred');
}

function drop(res: ServerResponse, record: RecordedRequest): void {
  record.status = 'dropped';
  res.socket?.destroy();
}

function send(res: ServerResponse, record: RecordedRequest, answer: Answer): void {
  record.status = answer.status;
  const body = JSON.stringify(answer.body, null, 2);
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'request-id': randomId('req_', 14),
    'stripe-version': String(record.headers['stripe-version'] ?? ''),
    ...answer.headers,
  });
  res.end(body);
}
