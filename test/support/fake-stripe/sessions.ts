/**
 * The `stripe listen` side of the fake: `POST /v1/stripecli/sessions` and the websocket the CLI
 * dials afterwards. A session gets the features it asks for (`websocket_features[]`: `webhooks` for
 * snapshot events, `v2_events` for thin ones) and nothing else, as Stripe does: the CLI itself would
 * forward a snapshot event to a thin-only session (it defaults its snapshot selection to all).
 * Snapshot events go out as `webhook_event` messages, thin ones as `v2_event`, each signed with the
 * session's secret; the CLI's `event_ack` and `webhook_response` messages are recorded for tests to await.
 */
import type { IncomingMessage, IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Recorder } from '../recorder.js';
import { signatureHeader, type StripeEvent } from './events.js';
import type { FormParams } from './form.js';
import { invalidRequest, newId, unixNow } from './store.js';
import type { ThinEvent } from './thin-events.js';

/** What a session may ask for: snapshot events (`webhooks`) and thin events (`v2_events`). */
export type ListenerFeature = 'webhooks' | 'v2_events';

export interface ListenerSession {
  /** The `websocket_id` handed to the CLI. */
  id: string;
  /** The session request's form: `device_name`, `websocket_features`, `forward_to_url`, … */
  params: FormParams;
  headers: IncomingHttpHeaders;
  /** Websocket connections the CLI made for this session (reconnects count). */
  connections: number;
  /** What it asked for, in `websocket_features[]` (none: `webhooks`, as CLIs before thin events meant). */
  features: ListenerFeature[];
  /** The signing secret it was given. */
  secret: string;
  /** The event destination (`ed_…`) its thin events come from: `destination_id`, which the CLI acks as `webhook_id`. */
  destinationId: string;
}

export interface WebhookDelivery {
  /** `snapshot`: a `webhook_event` message; `thin`: a `v2_event`. */
  kind: 'snapshot' | 'thin';
  eventId: string;
  eventType: string;
  sessionId: string;
  webhookId: string;
  conversationId: string;
  /** Exactly the bytes the CLI will POST to the app. */
  payload: string;
  headers: Record<string, string>;
}

/** A message the CLI sent back, with the event it is about and the session it came from. */
export interface ListenerReply {
  type: string;
  eventId: string | undefined;
  sessionId: string;
  message: Record<string, unknown>;
}

export interface WebhookResponse extends ListenerReply {
  type: 'webhook_response';
  eventId: string;
  /** The app's HTTP status as the CLI saw it. */
  status: number;
  forwardUrl: string;
  body: string;
}

interface Connection {
  session: ListenerSession;
  socket: WebSocket;
}

export class Sessions {
  readonly sessions = new Recorder<ListenerSession>((s) => s.id);
  /** One entry per websocket connection, in order (a reconnect adds one). */
  readonly connections = new Recorder<ListenerSession>((s) => s.id);
  readonly deliveries = new Recorder<WebhookDelivery>((d) => `${d.eventType} [${d.eventId}]`);
  readonly replies = new Recorder<ListenerReply>((r) => `${r.type} [${r.eventId}]`);
  readonly responses = new Recorder<WebhookResponse>((r) => `${r.status} [${r.eventId}]`);
  private readonly open = new Set<Connection>();
  private readonly known = new Map<string, ListenerSession>();
  private readonly server = new WebSocketServer({ noServer: true });

  constructor(
    private readonly options: {
      baseUrl: () => string;
      secret: string;
      apiVersion: string;
      reconnectDelay: number;
      secretFor?: (features: readonly ListenerFeature[]) => string | undefined;
    },
  ) {}

  /** The JSON answer to `POST /v1/stripecli/sessions`; an unknown feature is Stripe's 400. */
  create(params: FormParams, headers: IncomingHttpHeaders): Record<string, unknown> {
    const asked = params.websocket_features;
    const list = (Array.isArray(asked) ? asked : asked === undefined ? [] : [asked]).filter((feature): feature is string => typeof feature === 'string');
    const unknown = list.find((feature) => feature !== 'webhooks' && feature !== 'v2_events');
    if (unknown !== undefined) throw invalidRequest(`Invalid websocket_features[]: ${unknown}`, { param: 'websocket_features' });
    const features = (list.length === 0 ? ['webhooks'] : [...new Set(list)]) as ListenerFeature[];
    const secret = this.options.secretFor?.(features) ?? this.options.secret;
    const session: ListenerSession = { id: newId('cliws'), params, headers, connections: 0, features, secret, destinationId: newId('ed_test') };
    this.known.set(session.id, session);
    this.sessions.push(session);
    return {
      object: 'stripecli_session',
      websocket_url: `${this.options.baseUrl().replace(/^http/, 'ws')}/subscribe/${session.id}`,
      websocket_id: session.id,
      websocket_authorized_feature: features.join(','),
      secret,
      reconnect_delay: this.options.reconnectDelay,
      display_connect_filter_warning: false,
      default_version: this.options.apiVersion,
      latest_version: this.options.apiVersion,
      device_token: '',
    };
  }

  /** Accepts the CLI's dial when it names a known session, as Stripe does; else answers its JSON error. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const session = this.known.get(String(request.headers['websocket-id'] ?? ''));
    const problem = !url.pathname.startsWith('/subscribe/')
      ? 'Unrecognized request URL.'
      : !session
        ? 'Unknown WebSocket ID.'
        : url.searchParams.get('websocket_feature') !== session.features.join(',')
          ? 'Invalid websocket_feature.'
          : undefined;
    if (problem || !session) {
      const body = JSON.stringify({ error: { type: 'invalid_request_error', message: problem } });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => {
      const connection = { session, socket: ws };
      this.open.add(connection);
      ws.on('message', (data) => this.receive(session, String(data)));
      ws.on('close', () => this.open.delete(connection));
      session.connections += 1;
      this.connections.push(session);
    });
  }

  /** Sends the event to every connected listener that asked for snapshot events, signed the way Stripe signs it. */
  deliver(event: StripeEvent): void {
    this.send('webhooks', event, (session, delivery) => ({
      type: 'webhook_event',
      webhook_id: delivery.webhookId,
      webhook_conversation_id: delivery.conversationId,
      event_payload: delivery.payload,
      http_headers: delivery.headers,
      endpoint: { api_version: null },
      created: unixNow(),
    }));
  }

  /** Sends a thin event to every connected listener that asked for thin events (`v2_events`), signed as a snapshot one. */
  deliverThin(event: ThinEvent): void {
    this.send('v2_events', event, (session, delivery) => ({ type: 'v2_event', destination_id: session.destinationId, payload: delivery.payload, http_headers: delivery.headers }));
  }

  /** One message per connected listener with `feature`, each delivery recorded first. */
  private send(feature: ListenerFeature, event: { id: string; type: string }, message: (session: ListenerSession, delivery: WebhookDelivery) => Record<string, unknown>): void {
    const payload = JSON.stringify(event, null, 2);
    const thin = feature === 'v2_events';
    for (const { session, socket } of this.open) {
      if (!session.features.includes(feature)) continue;
      const delivery: WebhookDelivery = {
        kind: thin ? 'thin' : 'snapshot',
        eventId: event.id,
        eventType: event.type,
        sessionId: session.id,
        // A thin event comes from the session's event destination, with no conversation.
        webhookId: thin ? session.destinationId : newId('we'),
        conversationId: thin ? '' : newId('wc'),
        payload,
        headers: stripeHeaders(payload, session.secret),
      };
      this.deliveries.push(delivery);
      socket.send(JSON.stringify(message(session, delivery)));
    }
  }

  /** Closes every listener's websocket from the server side; `expire` also forgets the sessions. */
  disconnect(options: { expire?: boolean } = {}): void {
    if (options.expire) this.known.clear();
    for (const { socket } of this.open) socket.close(1001, 'Server closed the connection');
  }

  close(): void {
    for (const { socket } of this.open) socket.terminate();
    this.open.clear();
    this.server.close();
  }

  private receive(session: ListenerSession, data: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return; // the CLI never sends anything but JSON; ignore noise as Stripe would
    }
    const webhookId = message.webhook_id;
    // A thin event's replies share their webhook_id (the destination): its event id is `event_id` (ack) or `notification_id` (response).
    const named = [message.event_id, message.notification_id].find((id): id is string => typeof id === 'string' && id !== '');
    const delivery = named === undefined ? this.deliveries.find((d) => d.webhookId === webhookId && d.sessionId === session.id) : undefined;
    const eventId = named ?? delivery?.eventId;
    const reply: ListenerReply = { type: String(message.type), eventId, sessionId: session.id, message };
    this.replies.push(reply);
    if (reply.type === 'webhook_response' && eventId) {
      this.responses.push({
        ...reply,
        type: 'webhook_response',
        eventId,
        status: Number(message.status),
        forwardUrl: String(message.forward_url ?? ''),
        body: String(message.body ?? ''),
      });
    }
  }
}

/** The headers Stripe sends with every event, snapshot or thin. */
function stripeHeaders(payload: string, secret: string): Record<string, string> {
  return {
    'Accept': '*/*; q=0.5, application/xml',
    'Cache-Control': 'no-cache',
    'Content-Type': 'application/json; charset=utf-8',
    'Stripe-Signature': signatureHeader(payload, secret),
    'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
  };
}
