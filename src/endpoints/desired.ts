/**
 * Turns register-endpoint's options into the endpoint the user wants, validating
 * everything that can be checked without a request (bad input exits 2, nothing sent).
 */
import { UsageError } from '../errors.js';
import { parseApiVersion } from '../lib/api-version.js';
import { named, type Named } from '../lib/option-name.js';
import { quoted } from '../lib/sanitize.js';
import { parseEventList } from '../flows/events.js';
import { flowEventTypes } from '../flows/load.js';
import { normaliseEndpointUrl } from './url.js';

export interface DesiredEndpoint {
  /** Normalised URL: the endpoint's identity. */
  url: string;
  /** Validated event types, or ['*']. */
  events: string[];
  /** Absent: leave an existing endpoint's description as it is; '' clears it. */
  description?: string;
  /** Entries to set; a '' value removes the key (Stripe's own convention). Other keys are left alone. */
  metadata: Record<string, string>;
  apiVersion: string;
  /** --api-version given: a mismatch is an error rather than a warning. */
  apiVersionExplicit: boolean;
  connect: boolean;
  /** The endpoint should be disabled; without --disabled it should be enabled. */
  disabled: boolean;
}

export interface RegisterOptions {
  url?: string;
  events?: string;
  flow?: string;
  allEvents?: boolean;
  description?: string;
  apiVersion?: string;
  connect?: boolean;
  metadata?: string[];
  disabled?: boolean;
}

export async function desiredEndpoint(options: RegisterOptions, defaultApiVersion: string, cwd: string): Promise<DesiredEndpoint> {
  if (options.url === undefined) throw new UsageError('--url is required', { hint: 'e.g. --url https://app.example.com/webhook' });
  const apiVersion = options.apiVersion === undefined ? undefined : parseApiVersion(options.apiVersion, '--api-version', defaultApiVersion);
  return {
    url: normaliseEndpointUrl(options.url),
    events: await selectEndpointEvents(options, cwd),
    description: options.description,
    metadata: parseMetadata(options.metadata ?? []),
    apiVersion: apiVersion ?? defaultApiVersion,
    apiVersionExplicit: apiVersion !== undefined,
    connect: Boolean(options.connect),
    disabled: Boolean(options.disabled),
  };
}

/** Exactly one of --events, --flow, --all-events; `--events '*'` means all events too. */
export async function selectEndpointEvents(options: Pick<RegisterOptions, 'events' | 'flow' | 'allEvents'>, cwd: string): Promise<string[]> {
  const given = [options.events !== undefined && '--events', options.flow !== undefined && '--flow', options.allEvents && '--all-events'];
  const chosen = given.filter((flag): flag is string => Boolean(flag));
  if (chosen.length === 0) {
    throw new UsageError('choose the events to send: --events, --flow or --all-events', {
      hint: 'e.g. --flow payment, or --events invoice.paid,charge.refunded',
    });
  }
  if (chosen.length > 1) throw new UsageError(`${chosen.join(' and ')} cannot be combined`, { hint: 'use one of them' });
  if (options.allEvents) return ['*'];
  // A flow from stripe-hooks.config.* in the cwd works as in listen and trigger-flow.
  if (options.flow !== undefined) return flowEventTypes(options.flow, { cwd });
  const list = options.events!.split(',').map((name) => name.trim());
  if (list.includes('*')) {
    if (list.filter(Boolean).length > 1) throw new UsageError('"*" already means every event: list nothing else with it', { hint: 'use --all-events' });
    return ['*'];
  }
  return parseEventList(options.events!);
}

/** `k=v` entries; `k=` removes the key. */
export function parseMetadata(entries: readonly string[]): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const key = at === -1 ? '' : entry.slice(0, at).trim();
    if (!key) throw new UsageError(`--metadata "${entry}" is not key=value`, { hint: 'e.g. --metadata deploy=web-1 (key= removes the key)' });
    metadata[key] = entry.slice(at + 1);
  }
  return checkMetadata(metadata);
}

/** Stripe's limits (1 to 40-character keys without brackets, values up to 500), named as the caller's option. */
export function checkMetadata(metadata: Record<string, string>, name: Named = '--metadata'): Record<string, string> {
  const option = named(name).name;
  for (const [key, value] of Object.entries(metadata)) {
    if (key === '' || key.length > 40 || /[[\]]/.test(key)) {
      throw new UsageError(`${option} key ${quoted(key)} is not allowed`, { hint: 'keys are at most 40 characters, without [ or ]' });
    }
    if (value.length > 500) throw new UsageError(`${option} value for ${quoted(key)} is longer than 500 characters`);
  }
  return metadata;
}
