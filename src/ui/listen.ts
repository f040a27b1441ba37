/**
 * `listen`'s output: for a human, the ready banner on stderr and one line per
 * delivery on stdout (with the start of the app's answer under a non-2xx);
 * with --json, one NDJSON object per event on stdout and nothing else there.
 */
import { is2xx } from '../lib/answer.js';
import { shown } from '../lib/sanitize.js';
import { thinSecretName } from '../lib/secrets.js';
import { listenEventJson, type ListenSettings } from '../listen/json.js';
import type { RelayedEvent } from '../relay/listener.js';
import type { ListenSummary } from '../listen/summary.js';
import { deliveryHint, listenSecret, liveTargets, type SigningSecret } from '../run/diagnose.js';
import type { RecordNotice, SkipReason } from '../record/policy.js';
import type { Recorder, RecordSummary } from '../record/writer.js';
import type { Routing } from '../relay/routing.js';
import type { EventsFrom, KindSelection } from '../stripe-cli/listen-selection.js';
import type { Output } from './output.js';
import { statusText } from './status.js';
import { plural } from '../lib/plural.js';

export interface ListenSetup {
  routing: Routing;
  events: KindSelection;
  /** Every thin event too (a thin destination, no thin type named). */
  allThin?: boolean;
  eventsFrom?: EventsFrom;
  serial: boolean;
  envFile?: string;
  envKey: string;
  /** --record's file. */
  record?: string;
}

const clock = (at: number) => new Date(at).toTimeString().slice(0, 8);

/** A function that renders each event as it comes. */
export function listenRenderer(out: Output, setup: ListenSetup): (event: RelayedEvent) => void {
  const render = out.json ? jsonRenderer(out, setup) : humanRenderer(out, setup);
  return (event) => {
    if (event.kind === 'ready') {
      out.secret(event.secret); // the session's: masked wherever it shows up
      if (event.thinSecret !== undefined) out.secret(event.thinSecret);
    }
    render(event);
  };
}

function jsonRenderer(out: Output, setup: ListenSetup): (event: RelayedEvent) => void {
  const settings: ListenSettings = { ...setup.routing, eventsFrom: setup.eventsFrom ?? 'all', serial: setup.serial, envFile: setup.envFile, record: setup.record };
  return (event) => {
    const json = listenEventJson(event, settings);
    if (json) out.data(json);
  };
}


function humanRenderer(out: Output, setup: ListenSetup): (event: RelayedEvent) => void {
  const { c } = out;
  const { routing } = setup;
  let readySeen = false;
  let secret: SigningSecret | undefined;
  const targets = liveTargets(routing);
  const hinted = new Set<string>();
  const routed = routing.routes.length > 0;
  const row = (at: number, type = '?', id = '?') => `${c.dim(clock(at))}  ${shown(type).padEnd(34)} ${shown(id).padEnd(30)}`;
  return (event) => {
    switch (event.kind) {
      case 'ready':
        secret = listenSecret(event.secret); // a reconnect may bring a new session
        if (readySeen) return out.note(`Reconnected — forwarding to ${routing.forwardTo}`);
        readySeen = true;
        out.note(`${c.green('Ready')} — forwarding to ${routing.forwardTo}`);
        if (routing.forwardConnectTo) out.note(`  Connect events to ${routing.forwardConnectTo}`);
        if (routing.thinTo) out.note(`  thin events to ${routing.thinTo}`);
        for (const route of routing.routes) out.note(`  ${route.glob} to ${route.url}`);
        if (setup.serial) out.note('  one at a time, in the order Stripe created them (--serial)');
        out.note(
          setup.envFile
            ? `  signing secret ${event.secret} written to ${setup.envFile} as ${setup.envKey}`
            : `  signing secret ${event.secret} (in full: --dotenv .env or --print-secret)`,
        );
        if (event.thinSecret !== undefined) out.note(`  thin events signed with another secret, ${event.thinSecret}${setup.envFile ? `, written as ${thinSecretName(setup.envKey)}` : ''}`);
        out.note(`  events: ${eventsText(setup)}`);
        if (setup.eventsFrom !== undefined && setup.eventsFrom !== 'all') out.note(`  from ${FROM[setup.eventsFrom]} only (--events-from ${setup.eventsFrom})`);
        if (setup.record !== undefined) out.note(`  recording every delivery to ${setup.record}`);
        return out.note(c.dim('  Ctrl+C to stop'));
      case 'delivery': {
        const d = event.delivery;
        const answer = d.status === null ? c.red(d.failure ?? 'failed') : statusText(c, d.status);
        const where = routed ? `  → ${d.url}` : '';
        const note = d.reordered ? c.dim('  (reordered)') : '';
        // Whole milliseconds on screen, as before the relay; --json keeps its tenths.
        out.line(`${row(event.at, d.type, d.id)} ${answer}  ${Math.round(d.ms)} ms${where}${note}`);
        if (d.failure !== undefined) out.line(c.dim(`          ${shown(d.error ?? '')}`));
        else if (!is2xx(d.status) && d.body) out.line(c.dim(`          ${shown(d.body, 160)}`));
        // What the answer most likely means (a wrong secret, a wrong path, the app down), once per kind of answer.
        const failure = d.failure ?? (is2xx(d.status) ? undefined : 'status');
        const hint = failure && deliveryHint({ failure, status: d.status }, { secret, target: { url: d.url, flag: targets(d.type ?? '')?.flag ?? '--forward-to' } });
        const kind = `${failure} ${d.status}`;
        if (hint && !hinted.has(kind)) {
          hinted.add(kind);
          out.note(c.dim(`          hint: ${hint}`));
        }
        return;
      }
      case 'cli-error':
        return out.warn(`stripe listen: ${shown(event.message)}`);
      case 'received':
        return; // shown with its answer
      case 'refused':
        return; // not Stripe's: --verbose logs it, the summary counts it
    }
  };
}

const FROM: Record<Exclude<EventsFrom, 'all'>, string> = { '@self': 'your account', '@accounts': 'connected accounts' };

function eventsText({ events, allThin }: Pick<ListenSetup, 'events' | 'allThin'>): string {
  const listed = events === 'all' ? 'every snapshot event' : events.join(', ');
  return allThin ? `${listed}, every thin event` : listed;
}

/** `--print-secret`: just the secret (the user asked for exactly this value). */
export function renderSecret(out: Output, secret: string): void {
  out.allow(secret);
  if (out.json) out.data({ secret });
  else out.line(secret);
}

/** Why an event was not recorded, said once per reason (the summary counts them all). */
const NOT_RECORDED: Record<SkipReason, (id: string) => string> = {
  livemode: (id) => `livemode event ${id} not recorded (live customer data): add --live to record livemode events`,
  secret: (id) => `event ${id} not recorded: it holds this run's API key or signing secret`,
  'not-event': () => 'a request not recorded: it is not a Stripe event in UTF-8 JSON, which a replay could not read',
  'too-large': (id) => `event ${id} not recorded: its line would be over 16 MiB, which a replay refuses`,
};

/**
 * --record, on screen: the warnings at the start (the file was made private; --live records customer data), and
 * what shows the core's notices (record/policy.ts) as they come, each the first time for its reason.
 */
export function recordingOnScreen(out: Output, recorder: Recorder, live: boolean): (notice: RecordNotice) => void {
  if (recorder.tightened) out.warn(`${recorder.path} was readable by others: its mode is now 0600`);
  if (recorder.cut > 0) out.warn(`${recorder.path} ended in a line cut short (a recording killed while writing it): dropped its ${recorder.cut} bytes`);
  if (live) out.warn(`--live: livemode events (live customer data) are recorded to ${recorder.path}; keep it private`);
  return (notice) => {
    if (notice.kind === 'record-failed') return out.warn(`recording stopped: ${notice.error}`);
    if (notice.first) out.warn(NOT_RECORDED[notice.reason](notice.id ?? '?'));
  };
}

/** The end of a recording run: how many were written, and how many were not (livemode ones, others). */
export function renderRecordSummary(out: Output, summary: RecordSummary): void {
  const { path, recorded, livemodeSkipped, notRecorded } = summary;
  out.note(`Recorded ${plural(recorded, 'event')} to ${path}`);
  if (livemodeSkipped > 0) out.warn(`${plural(livemodeSkipped, 'livemode event')} not recorded (--live records them)`);
  if (notRecorded > 0) out.warn(`${plural(notRecorded, 'event')} not recorded (see the warnings above)`);
}

/** How `listen` ended (Ctrl+C included): one `summary` object with --json, else a line on stderr and the recording's counts. */
export function renderListenSummary(out: Output, summary: ListenSummary): void {
  if (out.json) return out.data({ kind: 'summary', ...summary });
  const { delivered, failed, interrupted, refused, record } = summary;
  out.note(`Stopped: ${plural(delivered, 'event')} delivered, ${failed} failed${interrupted ? `, ${interrupted} interrupted` : ''}`);
  if (refused) out.warn(`refused ${plural(refused, 'request')} not signed with this session's secret (--verbose shows when)`);
  if (record) renderRecordSummary(out, record);
}
