import type { RecordSummary } from '../record/writer.js';
import type { FailureClass } from '../delivery/engine.js';

/**
 * Why a step failed, as a class for machines (the `error` line says it for humans):
 * - how the delivery failed: `refused` (no connection made), `reset` (closed without an answer), `timeout`, `tls`, `dns`;
 * - `status`: the app answered, but not 2xx;
 * - `interrupted`: the run was stopped during the delivery;
 * - `skipped`: not run, as an earlier step failed (fail-fast);
 * - `trigger`: `stripe trigger` failed or did not finish;
 * - `no-event`: no event of the step's type arrived in time.
 */
export type StepFailure = FailureClass | 'status' | 'interrupted' | 'skipped' | 'trigger' | 'no-event';

/**
 * The result of running a flow, live or offline. This is also the `--json`
 * shape of `trigger-flow` and `replay`, and what the library's deliverFlow,
 * triggerFlow and replay resolve with (one type for both), so fields are named for machines.
 */
export interface StepResult {
  /** The event type the step waited for. */
  event: string;
  /** The `stripe trigger` fixture that was run (live), or null for observed / offline steps. */
  trigger: string | null;
  /** The delivered event's id (evt_…), or null when none arrived. */
  eventId: string | null;
  /** Where the event was sent (a live run's route, --thin-to for a thin event, else --forward-to); absent when nothing was. */
  url?: string;
  /** The app's HTTP status, or null when it never answered. */
  status: number | null;
  /** The delivery's own milliseconds when the driver measures it (the relay, offline POSTs); else from the step's start to the answer or failure. */
  ms: number;
  ok: boolean;
  /** Why the step failed, as a class (set exactly when `ok` is false). */
  failure?: StepFailure;
  /** One line saying why the step failed. */
  error?: string;
  /** --serial delivered its event ahead of one that reached the relay first. */
  reordered?: true;
}

export interface SideEffect {
  type: string;
  eventId: string;
  /** Where it was sent, once answered. */
  url?: string;
  status: number | null;
  /** Why its delivery failed (`status`: answered, not 2xx); absent when answered 2xx or not answered by the end of the run. */
  failure?: StepFailure;
  reordered?: true;
}

/** Extra figures for a burst (--repeat / --duplicate): counts, rate and latency percentiles in ms. */
export interface BurstStats {
  count: number;
  failures: number;
  eventsPerSecond: number;
  latency: { p50: number; p95: number; p99: number; max: number };
}

export interface FlowReport {
  flow: string;
  ok: boolean;
  steps: StepResult[];
  sideEffects: SideEffect[];
  /** Set for --offline runs and replays. */
  mode?: 'live' | 'offline' | 'replay' | 'unverified';
  burst?: BurstStats;
  /** The seed that reproduces an offline run (and a replay's --shuffle order). */
  seed?: number;
  /** An offline run's API version, why (`flag`, `flow file`, `app's stripe@X`, `default`) and the known shape its objects took. */
  apiVersion?: { version: string; reason: string; shape: string; warning?: string };
  /** What the recording kept, when the run recorded (the library's `record`). */
  record?: RecordSummary;
}

/** The `--json` document (and the library's report): exactly these fields, in this order, whatever else a report carries. */
export function reportJson(report: FlowReport, seed = report.seed): FlowReport {
  return {
    flow: report.flow,
    ok: report.ok,
    ...(report.mode ? { mode: report.mode } : {}),
    steps: report.steps.map(({ event, trigger, eventId, url, status, ms, ok, failure, error, reordered }) => ({
      event,
      trigger,
      eventId,
      ...(url === undefined ? {} : { url }),
      status,
      ms,
      ok,
      ...(failure === undefined ? {} : { failure }),
      ...(error === undefined ? {} : { error }),
      ...(reordered ? { reordered } : {}),
    })),
    sideEffects: report.sideEffects.map(({ type, eventId, url, status, failure, reordered }) => ({
      type,
      eventId,
      ...(url === undefined ? {} : { url }),
      status,
      ...(failure === undefined ? {} : { failure }),
      ...(reordered ? { reordered } : {}),
    })),
    ...(report.burst ? { burst: report.burst } : {}),
    ...(seed === undefined ? {} : { seed }),
    ...(report.apiVersion ? { apiVersion: report.apiVersion } : {}),
    ...(report.record ? { record: report.record } : {}),
  };
}
