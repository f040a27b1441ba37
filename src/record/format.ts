/**
 * The recording format: NDJSON, one line per event the relay saw, so a file can
 * be appended to by a running listener, read line by line, and survive a kill
 * (every line is written whole). The event is kept as the raw body string,
 * byte-exact, because a replay re-signs those exact bytes; the signature
 * header is never kept (it is worthless once stale, and tied to a secret).
 *
 * Lines are written as the app answers, so a file is in answer order; `run` (one
 * per recording session) and `seq` (arrival order within it) let a reader put them
 * back in the order the events arrived. Files written before these existed lack
 * them and are read in file order.
 *
 * `url` says where the event was sent (the route's URL, `--thin-to` for a thin event); readers need it for nothing
 * (a replay sends where it is told), and lines written before it existed lack it.
 *
 *   {"v":1,"run":"5f0c1a2b","seq":0,"receivedAt":"2026-12-01T10:00:00.000Z","url":"http://localhost:4242/webhook","event":"{…}","headers":{…},"answer":{"status":200,"ms":3.1}}
 */
import { EVENT_ID_FORM, EVENT_TYPE_FORM, isEventId, isEventTypeShape } from '../lib/grammar.js';
import { quoted } from '../lib/sanitize.js';
import type { DeliveryFailure } from '../relay/delivery-facts.js';
import { isThinBody } from '../flows/thin.js';

export const RECORDING_VERSION = 1;

/**
 * The largest event body the relay accepts, and the longest recording line written or read: Stripe's events are
 * tens of KiB, and a reader that stops here never builds a string V8 cannot hold.
 */
export const MAX_EVENT_BYTES = 16 << 20;

// Fatal: bytes that are not UTF-8 would be read as U+FFFD and sent as such, not as recorded. ignoreBOM: kept, not eaten.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A recording line's bytes as text; throws (for the caller's `file:line`) when they are not UTF-8. */
export function lineText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new Error('the line is not valid UTF-8, so its event could not be sent byte for byte (a recording is UTF-8 text)');
  }
}

export interface RecordedAnswer {
  /** The app's status; null when it never answered (then `failure` says why). */
  status: number | null;
  ms: number;
  /** Why there is no status; `interrupted`: the run ended (Ctrl+C, SIGTERM, a failed step) before the app answered. */
  failure?: DeliveryFailure;
}

/** One line of a recording, as written. */
export interface RecordingLine {
  v: typeof RECORDING_VERSION;
  /** The recording session that wrote it (one per --record run); absent in files written before it existed. */
  run?: string;
  /** Arrival order within the run, from 0. */
  seq?: number;
  /** When the relay received the event, ISO 8601. */
  receivedAt: string;
  /** Where it was sent; absent in files written before it existed. */
  url?: string;
  /** The request body exactly as Stripe sent it. */
  event: string;
  /** The request headers Stripe sent, lower-cased, without Stripe-Signature and hop-by-hop headers. */
  headers: Record<string, string>;
  answer: RecordedAnswer;
}

/** Headers never written to a recording: the signature (tied to a secret), and per-connection ones. */
const NOT_RECORDED = new Set(['stripe-signature', 'host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'authorization', 'cookie']);

export function recordedHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined || NOT_RECORDED.has(key)) continue;
    kept[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** The line for one event, newline included, ready to be written in one call. */
export function recordingLine(entry: { run?: string; seq?: number; receivedAt: number; url?: string; body: string; headers: Record<string, string | string[] | undefined>; answer: RecordedAnswer }): string {
  const line: RecordingLine = {
    v: RECORDING_VERSION,
    ...(entry.run !== undefined && { run: entry.run }),
    ...(entry.seq !== undefined && { seq: entry.seq }),
    receivedAt: new Date(entry.receivedAt).toISOString(),
    ...(entry.url !== undefined && { url: entry.url }),
    event: entry.body,
    headers: recordedHeaders(entry.headers),
    answer: entry.answer,
  };
  return `${JSON.stringify(line)}\n`;
}

/** A recorded event as a replay needs it. */
export interface RecordedEvent {
  id: string;
  type: string;
  livemode: boolean;
  /** A thin event (`"object": "v2.core.event"`): a replay sends it to --thin-to when given. */
  thin: boolean;
  /** The raw body, to be re-signed unchanged. */
  body: string;
  headers: Record<string, string>;
  receivedAt: string;
  /** Where it was sent, when the line says. */
  url?: string;
  answer: RecordedAnswer;
  run?: string;
  seq?: number;
}

/**
 * Parses one line of a recording; throws an Error whose message says what is wrong
 * (the caller prefixes `file:line`).
 */
export function parseRecordingLine(text: string): RecordedEvent {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    throw new Error('not a JSON object (is this a stripe-hooks recording?)');
  }
  if (typeof line !== 'object' || line === null || Array.isArray(line)) throw new Error('not a JSON object (is this a stripe-hooks recording?)');
  const l = line as Partial<Record<keyof RecordingLine, unknown>>;
  if (l.v !== RECORDING_VERSION) throw new Error(`unknown recording version ${JSON.stringify(l.v)} (this stripe-hooks reads v${RECORDING_VERSION})`);
  if (typeof l.event !== 'string') throw new Error('"event" is not a string (the raw event body)');
  // A lone surrogate (\ud800) has no UTF-8 bytes: it would be sent as U+FFFD, not as the body recorded.
  if (/\p{Cs}/u.test(l.event)) throw new Error('"event" holds a lone surrogate (\\ud800–\\udfff), which no UTF-8 body can: it is not a body Stripe sent');
  let event: unknown;
  try {
    event = JSON.parse(l.event);
  } catch {
    throw new Error('"event" is not a JSON event body');
  }
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  if (typeof e.id !== 'string' || !e.id.startsWith('evt_')) throw new Error('"event" has no evt_ id');
  if (!isEventId(e.id)) throw new Error(`"event" has the id ${quoted(e.id)}, not ${EVENT_ID_FORM}`);
  if (e.type === undefined || e.type === '') throw new Error(`event ${e.id} has no type`);
  if (!isEventTypeShape(e.type)) throw new Error(`event ${e.id} has the type ${quoted(e.type)}, not ${EVENT_TYPE_FORM}`);
  const headers: Record<string, string> = {};
  if (typeof l.headers === 'object' && l.headers !== null) {
    for (const [name, value] of Object.entries(l.headers)) if (typeof value === 'string') headers[name] = value;
  }
  const answer = (typeof l.answer === 'object' && l.answer !== null ? l.answer : {}) as Partial<RecordedAnswer>;
  return {
    id: e.id,
    type: e.type,
    livemode: e.livemode === true,
    thin: isThinBody(e),
    body: l.event,
    headers,
    receivedAt: typeof l.receivedAt === 'string' ? l.receivedAt : '',
    ...(typeof l.url === 'string' && { url: l.url }),
    answer: { status: typeof answer.status === 'number' ? answer.status : null, ms: typeof answer.ms === 'number' ? answer.ms : 0, ...(answer.failure && { failure: answer.failure }) },
    ...(typeof l.run === 'string' && { run: l.run }),
    ...(Number.isSafeInteger(l.seq) && (l.seq as number) >= 0 && { seq: l.seq as number }),
  };
}
