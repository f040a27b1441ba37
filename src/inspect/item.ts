/**
 * One delivery as the inspector shows it (docs/inspect.md, the page's data): `listen --json`'s delivery object plus
 * the request as sent, the event's exact text, the app's answer (headers and body, decoded, excerpted) and the
 * signature explained. Built once per delivery, with secrets masked: the page, the API and exports only ever see
 * this. What a replay needs that must not be shown (the exact bytes) is kept beside it, in `Kept`.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { redact } from '../lib/redact.js';
import { deliveryJson, type ListenDelivery } from '../listen/json.js';
import { SIGNATURE_TOLERANCE_S, signedWith } from '../offline/sign.js';
import type { RecordedEvent } from '../record/format.js';
import { decodedBody, type Delivery } from '../relay/delivery-facts.js';

/** How much of an answer's body the inspector keeps. */
export const ANSWER_EXCERPT_BYTES = 64 << 10;

export interface SignatureCheck {
  /** The header's timestamp, unix seconds. */
  t: number;
  v1: string[];
  /** How far the timestamp was from the relay's clock when the request arrived (positive: in the past). */
  skewSeconds: number;
  tolerance: typeof SIGNATURE_TOLERANCE_S;
  /** Signed with the session's secret, over these exact bytes. */
  verifies: boolean;
}

export interface InspectAnswer {
  status: number | null;
  headers: Record<string, string>;
  /** Decoded per its Content-Encoding, as text, at most 64 KiB; secrets masked. */
  body: string;
  truncated?: true;
}

export interface InspectItem extends ListenDelivery {
  /** Increasing per inspector run; the SSE id. */
  seq: number;
  /** Where it went (the route's URL). */
  route: string;
  /** The request headers as sent to the app, but Stripe-Signature (shown only as `signature`). */
  request: { headers: Record<string, string> };
  /** The event body as sent (masked only if it held a secret, which Stripe's events never do). */
  event: string;
  answer: InspectAnswer;
  /** Absent when the request carried none (a recording keeps no signature). */
  signature?: SignatureCheck;
  /** The flow step it answered, under trigger-flow. */
  step?: number;
}

/** An item and the exact bytes behind it. */
export interface Kept {
  item: InspectItem;
  seq: number;
  body: string;
  /** Where it went, unmasked. */
  url: string;
}

/** The values never shown: the session's signing secret, the API key. */
export type Known = readonly string[];

/** Header values as one string each, `stripe-signature` left out, secrets masked. */
function shownHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders, known: Known): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined || key === 'stripe-signature') continue;
    out[key] = redact(Array.isArray(value) ? value.join(', ') : String(value), [], known);
  }
  return out;
}

/** The parsed Stripe-Signature and whether it signs `body` with `secret`. */
export function checkSignature(body: Buffer, header: string | undefined, secret: string | undefined, at: number): SignatureCheck | undefined {
  if (header === undefined) return undefined;
  let t = NaN;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.split('=');
    if (key === 't' && /^\d+$/.test(value)) t = Number(value);
    else if (key === 'v1') v1.push(value);
  }
  if (Number.isNaN(t)) return undefined;
  return { t, v1, skewSeconds: Math.round(at / 1000 - t), tolerance: SIGNATURE_TOLERANCE_S, verifies: secret !== undefined && signedWith(body, header, secret) };
}

/** What the relay hands over per delivery (relay.ts `RelayExchange`), as the inspector needs it. */
export interface Exchange {
  delivery: Delivery;
  at: number;
  body: Buffer;
  /** The headers sent to the app. */
  headers: OutgoingHttpHeaders;
  answer?: { status: number; headers: IncomingHttpHeaders; body: Buffer };
}

export function itemOf(exchange: Exchange, seq: number, secret: string | undefined, known: Known): Kept {
  const { delivery, body, headers, answer } = exchange;
  const text = body.toString('utf8');
  const signatureHeader = headers['stripe-signature'] ?? headers['Stripe-Signature']; // the relay's are lower case, the offline sender's not
  const signature = checkSignature(body, typeof signatureHeader === 'string' ? signatureHeader : undefined, secret, delivery.receivedAt);
  const item: InspectItem = {
    ...deliveryJson(delivery, exchange.at),
    seq,
    route: delivery.url,
    request: { headers: shownHeaders(headers, known) },
    event: redact(text, [], known),
    answer: answer ? answerOf(answer, known) : { status: null, headers: {}, body: '' },
    ...(signature && { signature }),
  };
  return { item, seq, body: text, url: delivery.url };
}

export function answerOf(answer: NonNullable<Exchange['answer']>, known: Known): InspectAnswer {
  const coding = answer.headers['content-encoding'];
  const plain = decodedBody(answer.body, typeof coding === 'string' ? coding : 'identity');
  if (plain === undefined) return { status: answer.status, headers: shownHeaders(answer.headers, known), body: `(${answer.body.length} bytes in Content-Encoding ${String(coding)}, not shown)` };
  let body = plain.subarray(0, ANSWER_EXCERPT_BYTES).toString('utf8');
  if (plain.length > ANSWER_EXCERPT_BYTES) body = body.replace(/\uFFFD+$/, '');
  return { status: answer.status, headers: shownHeaders(answer.headers, known), body: redact(body, [], known), ...(plain.length > ANSWER_EXCERPT_BYTES && { truncated: true as const }) };
}

/** A recorded event (`inspect FILE`): what the recording kept, which has no signature and no answer body. */
export function recordedItem(event: RecordedEvent, seq: number, known: Known): Kept {
  const { answer } = event;
  const at = Date.parse(event.receivedAt) || 0;
  const item: InspectItem = {
    kind: 'delivery',
    time: new Date(at).toISOString(),
    id: event.id,
    type: event.type,
    livemode: event.livemode,
    connect: false,
    url: '',
    status: answer.status,
    ...(answer.failure !== undefined && { failure: answer.failure }),
    ms: answer.ms,
    seq,
    route: '',
    request: { headers: shownHeaders(event.headers, known) },
    event: redact(event.body, [], known),
    answer: { status: answer.status, headers: {}, body: '' },
  };
  return { item, seq, body: event.body, url: '' };
}
