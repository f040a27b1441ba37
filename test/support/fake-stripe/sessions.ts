/**
 * The `stripe listen` side of the fake: `POST /v1/stripecli/sessions` and the websocket the CLI
 * dials afterwards. Events go out as `webhook_event` messages signed with the session secret; the
 * CLI's `event_ack` and `webhook_response` messages are recorded for tests to await.
 */
import type { IncomingMessage, IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Recorder } from '../recorder.js';
import { signatureHeader, type StripeEvent } from './events.js';
import type { FormParams } from './form.js';
import { newId, unixNow } from './store.js';

const WEBSOCKET_FEATURE = 'webhook-payloads';

export interface ListenerSession {
  /** The `websocket_id` handed to the CLI. */
  id: string;
  /** The session request's form: `device_name`, `websocket_features`, `forward_to_url`, … */
  params: FormParams;
  headers: IncomingHttpHeaders;
  /** Websocket connections the CLI made for this session (reconnects count). */
  connections: number;
}

export interface WebhookDelivery {
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
    private readonly options: { baseUrl: () => string; secret: string; apiVersion: string; reconnectDelay: number },
  ) {}

  /** The JSON answer to `POST /v1/stripecli/sessions`. */
  create(params: FormParams, headers: IncomingHttpHeaders): Record<string, unknown> {
    const session: ListenerSession = { id: newId('cliws'), params, headers, connections: 0 };
    this.known.set(session.id, session);
    this.sessions.push(session);
    return {
      object: 'stripecli_session',
      websocket_url: `${this.options.baseUrl().replace(/^http/, 'ws')}/subscribe/${session.id}`,
      websocket_id: session.id,
      websocket_authorized_feature: WEBSOCKET_FEATURE,
      secret: this.options.secret,
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
        : url.searchParams.get('websocket_feature') !== WEBSOCKET_FEATURE
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

  /** Sends the event to every connected listener, signed the way Stripe signs it. */
  deliver(event: StripeEvent): void {
    const payload = JSON.stringify(event, null, 2);
    for (const { session, socket } of this.open) {
      const headers = {
        'Accept': '*/*; q=0.5, application/xml',
        'Cache-Control': 'no-cache',
        'Content-Type': 'application/json; charset=utf-8',
        'Stripe-Signature': signatureHeader(payload, this.options.secret),
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      };
      const delivery: WebhookDelivery = {
        eventId: event.id,
        eventType: event.type,
        sessionId: session.id,
        webhookId: newId('we'),
        conversationId: newId('wc'),
        payload,
        headers,
      };
      this.deliveries.push(delivery);
      socket.send(
        JSON.stringify({
          type: 'webhook_event',
          webhook_id: delivery.webhookId,
          webhook_conversation_id: delivery.conversationId,
          event_payload: payload,
          http_headers: headers,
          endpoint: { api_version: null },
          created: unixNow(),
        }),
      );
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
    const delivery = this.deliveries.find((d) => d.webhookId === webhookId && d.sessionId === session.id);
    const eventId = (message.event_id as string | undefined) ?? delivery?.eventId;
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
