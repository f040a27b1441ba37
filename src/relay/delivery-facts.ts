/**
 * What the relay knows of each delivery, as data: the event's own facts (read
 * from the body it forwards unchanged), where it went and how the app answered.
 */
import { brotliDecompressSync, constants, gunzipSync, inflateSync, type ZlibOptions } from 'node:zlib';
import { answerText } from '../lib/answer.js';
import { isEventId, isEventTypeShape } from '../lib/grammar.js';
import { isThinBody } from '../flows/thin.js';
import { redact } from '../lib/redact.js';
import type { FailureClass } from '../delivery/engine.js';

/** Why a delivery has no status: the app could not be reached or did not answer, or the run ended first. */
export type DeliveryFailure = FailureClass | 'interrupted';

export interface EventFacts {
  /** Absent only when the body is not a Stripe event. */
  id?: string;
  type?: string;
  livemode?: boolean;
  /** The connected account (`acct_…`) of a Connect event (a thin event's `context`). */
  account?: string;
  apiVersion?: string | null;
  /** Stripe's `created`, unix seconds (a thin event's ISO time, with its milliseconds). */
  created?: number;
  /** The id of the object the event is about (`data.object.id`; a thin event's `related_object.id`). */
  objectId?: string;
  /** A thin event (`"object": "v2.core.event"`, from a v2 event destination); absent for a snapshot one. */
  thin?: true;
}

/** A delivery the relay took from the Stripe CLI, before the app answered. */
export interface Received extends EventFacts {
  /** Arrival order, from 0. */
  seq: number;
  /** Forwarded by the CLI as a Connect event (its --forward-connect-to). */
  connect: boolean;
  /** Where it goes: the route's URL, or --forward-to. */
  url: string;
  receivedAt: number;
}

/** A delivery, answered or failed. */
export interface Delivery extends Received {
  /** The app's HTTP status; null when it gave none (see `failure`). */
  status: number | null;
  failure?: DeliveryFailure;
  /** Why it failed, in one line. */
  error?: string;
  /** From forwarding to the app's last byte, in ms (queueing under --serial not included). */
  ms: number;
  /** The first 2 KiB of the app's answer as text (an HTML page's text), secrets masked. */
  body: string;
  /** --serial sent it ahead of an event that arrived before it. */
  reordered?: boolean;
}

const EXCERPT_BYTES = 2048;

/**
 * The facts of a Stripe event body; empty when it is not one. An id or type not in Stripe's form (lib/grammar.ts)
 * is left out, as for a body that is not an event: it would reach the screen, and no Stripe event has one.
 */
export function eventFacts(body: Buffer): EventFacts {
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    return {};
  }
  if (typeof event !== 'object' || event === null) return {};
  const e = event as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const common = {
    id: isEventId(e.id) ? e.id : undefined,
    type: isEventTypeShape(e.type) ? e.type : undefined,
    livemode: typeof e.livemode === 'boolean' ? e.livemode : undefined,
  };
  if (isThinBody(e)) {
    // No snapshot and no api_version: what the event is about is named in related_object, the account in context.
    const created = typeof e.created === 'string' ? Date.parse(e.created) / 1000 : NaN;
    return {
      ...common,
      account: text(e.context) || undefined,
      created: Number.isFinite(created) ? created : undefined,
      objectId: text((e.related_object as { id?: unknown } | null | undefined)?.id),
      thin: true,
    };
  }
  return {
    ...common,
    account: text(e.account),
    apiVersion: e.api_version === null ? null : text(e.api_version),
    created: typeof e.created === 'number' ? e.created : undefined,
    objectId: text((e.data as { object?: { id?: unknown } } | undefined)?.object?.id),
  };
}

// Decoders for the content codings an app may use: the Stripe CLI asks for gzip and decodes it itself, so the
// relay hands the coded bytes back unchanged and decodes only its excerpt. Sync flushes read a cut-off body.
const DECODERS = new Map<string, (body: Buffer, options: ZlibOptions) => Buffer>([
  ['gzip', gunzipSync],
  ['x-gzip', gunzipSync],
  ['deflate', inflateSync],
  ['br', (body, options) => brotliDecompressSync(body, { ...options, finishFlush: constants.BROTLI_OPERATION_FLUSH })],
]);

/**
 * The start of an answer's body as text (decoded per its Content-Encoding), cut on a character boundary, an HTML
 * page as its text (lib/answer.ts; by `contentType`, or by how the body opens when it is not given), secrets masked.
 */
export function bodyExcerpt(body: Buffer, contentEncoding = 'identity', contentType?: string): string {
  const plain = decodedBody(body, contentEncoding);
  if (plain === undefined) return redact(`(${body.length} bytes in Content-Encoding ${contentEncoding}, not shown)`);
  let text = plain.subarray(0, EXCERPT_BYTES).toString('utf8');
  if (plain.length > EXCERPT_BYTES) text = text.replace(/\uFFFD+$/, '');
  return redact(answerText(text, contentType));
}

/** The body without its content coding; undefined when it is one we do not know or the bytes do not decode. */
export function decodedBody(body: Buffer, contentEncoding: string): Buffer | undefined {
  const coding = contentEncoding.trim().toLowerCase();
  if (coding === 'identity' || body.length === 0) return body;
  try {
    return DECODERS.get(coding)?.(body, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1 << 20 });
  } catch {
    return undefined; // corrupt, or a bomb past 1 MiB
  }
}
