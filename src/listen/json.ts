/**
 * `listen --json`'s NDJSON objects, one per relayed event: what the CLI prints
 * and what the library's startListener yields (one type for both, so they
 * cannot drift). Data only: src/ui/listen.ts writes them, src/api/live.ts hands them out.
 */
import { is2xx } from '../lib/answer.js';
import type { CliErrorCategory } from '../stripe-cli/listen-lines.js';
import type { RelayedEvent } from '../relay/listener.js';
import type { Delivery, DeliveryFailure } from '../relay/delivery-facts.js';
import type { Route } from '../relay/routing.js';
import type { EventsFrom } from '../stripe-cli/listen-selection.js';

/** The listener is up: the signing secret of the session, and where deliveries go. */
export interface ListenReady {
  kind: 'ready';
  /** ISO 8601. */
  time: string;
  secret: string;
  /** Thin events' signing secret, when their session has another one. */
  thinSecret?: string;
  apiVersion?: string;
  forwardTo: string;
  forwardConnectTo?: string;
  /** Where thin events go (`--thin-to`), when given. */
  thinTo?: string;
  /** Whose events: `@self`, `@accounts` or `all` (`--events-from`; the default, all). */
  eventsFrom: EventsFrom;
  routes: readonly Route[];
  serial: boolean;
  envFile?: string;
  record?: string;
}

/** One delivery to the app: the event's facts, the app's answer (or why there was none), and its body when not 2xx. */
export interface ListenDelivery {
  kind: 'delivery';
  time: string;
  id?: string;
  type?: string;
  livemode?: boolean;
  account?: string;
  apiVersion?: string | null;
  connect: boolean;
  /** A thin event (v2 event destinations); absent for a snapshot one. */
  thin?: true;
  url: string;
  status: number | null;
  failure?: DeliveryFailure;
  error?: string;
  ms: number;
  body?: string;
  reordered?: boolean;
}

/** An error the Stripe CLI reported while listening (it keeps running). */
export interface ListenCliError {
  kind: 'cli-error';
  time: string;
  category: CliErrorCategory;
  message: string;
}

export type ListenJsonEvent = ListenReady | ListenDelivery | ListenCliError;

/** What a ready line states besides the session's own facts. */
export type ListenSettings = Omit<ListenReady, 'kind' | 'time' | 'secret' | 'thinSecret' | 'apiVersion'>;


/** A delivery as `--json` prints it. */
export function deliveryJson(delivery: Delivery, at: number): ListenDelivery {
  const { id, type, livemode, account, apiVersion, connect, thin, url, status, failure, error, ms, body, reordered } = delivery;
  return {
    kind: 'delivery',
    time: new Date(at).toISOString(),
    id,
    type,
    livemode,
    ...(account !== undefined && { account }),
    apiVersion,
    connect,
    ...(thin && { thin }),
    url,
    status,
    ...(failure !== undefined && { failure, error }),
    ms,
    ...(!is2xx(status) && failure === undefined && { body }),
    ...(reordered && { reordered }),
  };
}

/** The object for one relayed event, or undefined for one `--json` does not print (`received`: printed once answered). */
export function listenEventJson(event: RelayedEvent, settings: ListenSettings): ListenJsonEvent | undefined {
  const time = new Date(event.at).toISOString();
  switch (event.kind) {
    case 'ready':
      return {
        kind: 'ready',
        time,
        secret: event.secret,
        ...(event.thinSecret !== undefined && { thinSecret: event.thinSecret }),
        apiVersion: event.apiVersion,
        forwardTo: settings.forwardTo,
        forwardConnectTo: settings.forwardConnectTo,
        ...(settings.thinTo !== undefined && { thinTo: settings.thinTo }),
        eventsFrom: settings.eventsFrom,
        routes: settings.routes,
        serial: settings.serial,
        envFile: settings.envFile,
        ...(settings.record !== undefined && { record: settings.record }),
      };
    case 'delivery':
      return deliveryJson(event.delivery, event.at);
    case 'cli-error':
      return { kind: 'cli-error', time, category: event.category, message: event.message };
    case 'received':
    case 'refused': // counted, never shown: a refused request is not Stripe's
      return undefined;
  }
}
