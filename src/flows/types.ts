/** Flows are data: an ordered list of steps, each naming the event that must reach the app. */
import type { EventType } from './event-types.js';
import type { ThinEventType } from './thin-event-types.js';

/** A step's event: a snapshot event type (`invoice.paid`) or a thin one (`v1.billing.meter.no_meter_found`, flows/thin.ts). */
export type FlowEventType = EventType | ThinEventType;

export interface FlowStep {
  /** The event type that must be delivered and acknowledged for this step to pass. */
  event: FlowEventType;
  /** The `stripe trigger` fixture to run; defaults to `event`. Absent when `observe` is set. */
  trigger?: string;
  /** No trigger of its own: the event arrives as a side effect of an earlier step. */
  observe?: boolean;
  /** `stripe trigger --override resource:path=value` entries. */
  override?: string[];
  /** `stripe trigger --add resource:path=value` entries. */
  add?: string[];
  /** `stripe trigger --remove resource:path` entries. */
  remove?: string[];
  /** Seconds this step may take; overrides --step-timeout. */
  timeout?: number;
}

export interface Flow {
  name: string;
  description: string;
  steps: FlowStep[];
  /** A flow file's `apiVersion:`: the API version its app is pinned to (offline events take its shape). */
  apiVersion?: string;
  /** Where the flow came from: "built-in", or the file it was read from. */
  source: string;
  /**
   * Read from a recording (`listen --record`): its steps are the recorded event types, any well-formed type (a
   * recording may be newer than this SDK), and live mode refuses it, as `stripe trigger` has no fixture for most.
   */
  recording?: boolean;
}
