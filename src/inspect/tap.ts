/**
 * The inspector beside a run (`listen --inspect`, `trigger-flow --inspect`, `replay --inspect`): the server started
 * before the run; each relayed delivery (relay.ts `onExchange`) or offline POST (offline-driver.ts `onSent`) turned
 * into an item; the session's secret learnt once `stripe listen` is ready (deliveries that came before it wait for
 * it, to be checked against it); a flow's steps linked to their deliveries. With `--report-html` alone the items are
 * kept the same way but in memory, with no server, and the report is written when the run ends (or fails).
 */
import type { RelayExchange } from '../relay/relay.js';
import { bodyExcerpt, eventFacts, type Delivery, type DeliveryFailure } from '../relay/delivery-facts.js';
import type { SentDelivery } from '../run/offline-driver.js';
import type { StepResult } from '../run/report.js';
import { createSender, type Sender } from './actions.js';
import { itemOf, type Exchange, type Kept, type Known } from './item.js';
import { writeReportHtml } from './report-html.js';
import { Ring } from './ring.js';
import { INSPECT_LIMIT, startInspector, type Inspector, type InspectMode, type InspectStep } from './server.js';

export interface InspectTap {
  inspector: Inspector;
  /** The relay's `onExchange`. */
  onExchange(exchange: RelayExchange): void;
  /** The offline runner's `onSent`. */
  onSent(sent: SentDelivery): void;
  /** The session's secret, once known. */
  learn(secret: string): void;
  /** A flow step ended (its index in the flow). */
  step(index: number, result: StepResult): void;
  /** Writes the --report-html file, once (a no-op without one); `close` writes it too, so a run that throws has one. */
  report(): Promise<void>;
  close(): Promise<void>;
}

export interface InspectTapOptions {
  mode: InspectMode;
  limit?: number;
  known: Known;
  forwardTo?: string;
  /** Serve the page (--inspect); false: keep the items in memory only, for the report. */
  serve?: boolean;
  /** --report-html FILE. */
  reportHtml?: string;
}

export async function startInspectTap(options: InspectTapOptions): Promise<InspectTap> {
  let sender: Sender | undefined;
  const inspector = options.serve === false ? memoryInspector(options.limit) : await startInspector({ mode: options.mode, limit: options.limit, sender: () => sender });
  let reported: Promise<void> | undefined;
  const report = () => (reported ??= options.reportHtml === undefined ? Promise.resolve() : writeReportHtml(options.reportHtml, { mode: options.mode, ...inspector.snapshot() }));
  let seq = 0;
  let waiting: Exchange[] | undefined = [];
  // A flow's steps name their event by id: only flows need the index (a listen session may run for days).
  const byId = options.mode === 'listen' ? undefined : new Map<string, Kept>();
  const add = (exchange: Exchange) => {
    const kept = itemOf(exchange, seq++, sender?.secret, sender?.known ?? options.known);
    if (byId && kept.item.id !== undefined) byId.set(kept.item.id, kept);
    inspector.add(kept);
  };
  const take = (exchange: Exchange) => (waiting ? waiting.push(exchange) : add(exchange));
  return {
    inspector,
    onExchange: take,
    onSent: (sent) => take(sentExchange(sent, seq)),
    learn(secret) {
      if (sender?.secret === secret) return;
      sender?.engine.close();
      sender = createSender(secret, options.known, options.forwardTo);
      const held = waiting ?? [];
      waiting = undefined;
      held.forEach(add);
    },
    step(index, result) {
      const kept = result.eventId === null ? undefined : byId?.get(result.eventId);
      if (kept) kept.item.step = index;
      const { event, ok, status, ms, eventId, failure, error } = result;
      inspector.step({ index, event, ok, status, ms, eventId, ...(failure !== undefined && { failure }), ...(error !== undefined && { error }), ...(kept && { seq: kept.seq }) });
    },
    report,
    async close() {
      sender?.engine.close();
      await inspector.close();
      await report();
    },
  };
}

/** The inspector's memory without its server: what `--report-html` alone needs. */
function memoryInspector(limit = INSPECT_LIMIT): Inspector {
  const ring = new Ring<Kept>(limit);
  const steps: InspectStep[] = [];
  return {
    url: '',
    add: (kept) => void ring.push(kept),
    step: (step) => void steps.push(step),
    dropped: () => ring.dropped,
    snapshot: () => ({ items: ring.items().map((kept) => kept.item), dropped: ring.dropped, steps: [...steps] }),
    close: async () => {},
  };
}

/** An offline POST in the relay's terms. */
function sentExchange(sent: SentDelivery, seq: number): Exchange {
  const body = Buffer.from(sent.body);
  const { answer } = sent;
  const failed = answer.status === null;
  const contentType = answer.answered?.headers['content-type'];
  const delivery: Delivery = {
    seq,
    ...eventFacts(body),
    connect: false,
    url: sent.url.href,
    receivedAt: sent.sentAt,
    status: answer.status,
    ms: answer.ms,
    body: answer.answered ? bodyExcerpt(answer.answered.body, String(answer.answered.headers['content-encoding'] ?? 'identity'), typeof contentType === 'string' ? contentType : undefined) : '',
    ...(failed && { failure: (answer.failure ?? 'interrupted') as DeliveryFailure, error: answer.error }),
  };
  return { delivery, at: Date.now(), body, headers: sent.headers, ...(answer.answered && { answer: { status: answer.status!, ...answer.answered } }) };
}
