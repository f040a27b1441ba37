/**
 * Which `stripe listen` processes an event selection takes, and `--events-from`. Stripe CLI 1.52 refuses snapshot
 * and thin events to one destination in one process (`cannot forward both snapshot and thin events to the same
 * destination`); its `--forward-thin-to` and `--thin-events`, which would allow it, print deprecation warnings, and
 * its next major refuses them. So a selection with both kinds runs two processes, each with flags both majors take:
 * one for the snapshot events (`--events a,b` or `--all-snapshot`), one for the thin ones (`--events v1.…` or
 * `--all-thin`), each forwarding to its own path on the relay.
 */
import { UsageError } from '../errors.js';
import { isThinEventType } from '../flows/thin.js';
import { named, type Named } from '../lib/option-name.js';

/** Event types to forward, or `all` of the kind. */
export type KindSelection = readonly string[] | 'all';

export interface EventSelection {
  /** Event types of either kind, or every snapshot type (`all`). */
  events: KindSelection;
  /** Every thin type too (`--all-thin`), besides any named in `events`. */
  allThin?: boolean;
}

/** One selection per process: `snapshot` and `thin`, each absent when nothing of its kind is selected. */
export interface SplitSelection {
  snapshot?: KindSelection;
  thin?: KindSelection;
}

export function splitSelection(selection: EventSelection): SplitSelection {
  const { events, allThin } = selection;
  const named = events === 'all' ? [] : events;
  const snapshot: KindSelection | undefined = events === 'all' ? 'all' : named.filter((type) => !isThinEventType(type));
  const thinNamed = named.filter(isThinEventType);
  const thin: KindSelection | undefined = allThin ? 'all' : thinNamed;
  return {
    ...((snapshot === 'all' || snapshot.length > 0) && { snapshot }),
    ...((thin === 'all' || thin.length > 0) && { thin }),
  };
}

/**
 * A run's selection when it may have a thin destination (`--thin-to`, a thin `--route`): thin events are listened
 * for when named, or, when a thin destination is given and none is named, all of them.
 */
export function selectionFor(events: KindSelection, thinDestination: boolean): EventSelection {
  const namesThin = events !== 'all' && events.some(isThinEventType);
  return { events, ...(thinDestination && !namesThin && { allThin: true }) };
}

/** `--events-from`: your account only (`@self`), connected accounts only (`@accounts`), or both (`all`, the CLI's default). */
export const EVENTS_FROM = ['@self', '@accounts', 'all'] as const;
export type EventsFrom = (typeof EVENTS_FROM)[number];

export const isEventsFrom = (value: unknown): value is EventsFrom => (EVENTS_FROM as readonly unknown[]).includes(value);

/** A `--events-from` value (`eventsFrom` in the library), or a one-line UsageError naming the option. */
export function parseEventsFrom(value: string, option: Named = '--events-from'): EventsFrom {
  if (isEventsFrom(value)) return value;
  const { name, given } = named(option);
  throw new UsageError(`${given(value)} is not @self, @accounts or all`, {
    hint: `${name} @self: your account's events only; @accounts: connected accounts' only; all: both (the default)`,
  });
}
