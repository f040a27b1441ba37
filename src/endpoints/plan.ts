/**
 * The pure half of register-endpoint: given the endpoint the user wants and the
 * endpoints that exist, decide create / update / unchanged and exactly which
 * parameters to send. No I/O here, so every rule is a one-line unit test.
 */
import { createHash } from 'node:crypto';
import type { Stripe } from '../stripe-api/client.js';
import { UsageError } from '../errors.js';
import type { DesiredEndpoint } from './desired.js';
import type { EndpointView } from './reports.js';
import { sameUrl } from './url.js';
import { plural } from '../lib/plural.js';

/**
 * Stripe's WebhookEndpoint object does not say whether it is a Connect endpoint, so the
 * ones created with --connect carry this metadata entry; an account endpoint and a Connect
 * endpoint for the same URL are then told apart.
 */
const CONNECT_MARKER = 'stripe_hooks_connect';

export type Plan =
  | { action: 'created'; params: Stripe.WebhookEndpointCreateParams; disable: boolean; warnings: string[] }
  | { action: 'updated'; endpoint: EndpointView & { id: string }; params: Stripe.WebhookEndpointUpdateParams; changes: string[]; warnings: string[] }
  | { action: 'unchanged'; endpoint: EndpointView & { id: string }; warnings: string[] };

export function endpointView(endpoint: Stripe.WebhookEndpoint): EndpointView & { id: string } {
  return {
    id: endpoint.id,
    url: endpoint.url,
    enabled_events: [...endpoint.enabled_events],
    api_version: endpoint.api_version,
    status: endpoint.status,
    description: endpoint.description,
    metadata: { ...endpoint.metadata },
  };
}

const isConnectEndpoint = (endpoint: Pick<EndpointView, 'metadata'>): boolean => endpoint.metadata[CONNECT_MARKER] === 'true';

function matchingEndpoints(endpoints: readonly EndpointView[], url: string, connect: boolean): EndpointView[] {
  return endpoints.filter((endpoint) => sameUrl(endpoint.url, url) && isConnectEndpoint(endpoint) === connect);
}

export function planRegistration(desired: DesiredEndpoint, existing: readonly (EndpointView & { id: string })[]): Plan {
  const matches = matchingEndpoints(existing, desired.url, desired.connect) as (EndpointView & { id: string })[];
  if (matches.length > 1) {
    throw new UsageError(`${matches.length} endpoints already use ${desired.url} (${matches.map((m) => m.id).join(', ')})`, {
      hint: 'keep one: delete the others with `stripe-hooks endpoints delete <id>`, then run this again',
    });
  }
  const [current] = matches;
  if (!current) return { action: 'created', params: createParams(desired), disable: desired.disabled, warnings: [] };

  const warnings: string[] = [];
  if (current.api_version !== desired.apiVersion) {
    const now = current.api_version ? `API version ${current.api_version}` : "the account's default API version";
    const recreate = `recreate it to change that: \`stripe-hooks endpoints delete ${current.id} --yes\`, then run register-endpoint again (it gets a new signing secret)`;
    if (desired.apiVersionExplicit) {
      throw new UsageError(`${current.id} sends events in ${now}, not ${desired.apiVersion}, and Stripe can't change that in place`, {
        hint: recreate,
      });
    }
    warnings.push(`${current.id} sends events in ${now} (stripe-hooks would create it with ${desired.apiVersion}); ${recreate}`);
  }

  const params: Stripe.WebhookEndpointUpdateParams = {};
  const changes: string[] = [];
  const eventChange = describeEventChange(current.enabled_events, desired.events);
  if (eventChange) {
    params.enabled_events = desired.events as Stripe.WebhookEndpointUpdateParams.EnabledEvent[];
    changes.push(eventChange);
  }
  if (desired.description !== undefined && (current.description ?? '') !== desired.description) {
    params.description = desired.description;
    changes.push(`description: ${quote(current.description)} → ${quote(desired.description || null)}`);
  }
  for (const [key, value] of Object.entries(desired.metadata)) {
    const now = current.metadata[key];
    if ((value === '' && now === undefined) || now === value) continue;
    params.metadata = { ...(params.metadata as Record<string, string>), [key]: value };
    changes.push(`metadata.${key}: ${quote(now ?? null)} → ${quote(value || null)}`);
  }
  const status = desired.disabled ? 'disabled' : 'enabled';
  if (current.status !== status) {
    params.disabled = desired.disabled;
    changes.push(`status: ${current.status} → ${status}`);
  }
  return changes.length === 0
    ? { action: 'unchanged', endpoint: current, warnings }
    : { action: 'updated', endpoint: current, params, changes, warnings };
}

export function createParams(desired: DesiredEndpoint): Stripe.WebhookEndpointCreateParams {
  const metadata = Object.fromEntries(Object.entries(desired.metadata).filter(([, value]) => value !== ''));
  if (desired.connect) metadata[CONNECT_MARKER] = 'true';
  return {
    url: desired.url,
    enabled_events: desired.events as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
    api_version: desired.apiVersion as Stripe.WebhookEndpointCreateParams.ApiVersion,
    ...(desired.connect && { connect: true }),
    ...(desired.description && { description: desired.description }),
    ...(Object.keys(metadata).length > 0 && { metadata }),
  };
}

/**
 * The create's Idempotency-Key, derived from the request itself so that a retry (by the SDK,
 * by us, or by a second deploy job racing this one) is deduplicated by Stripe. `stale` lists
 * endpoints a replayed key pointed at that no longer exist (deleted within Stripe's 24-hour key
 * lifetime): they make a fresh key, so a deleted endpoint is never "created" again from the replay.
 */
export function createIdempotencyKey(params: Stripe.WebhookEndpointCreateParams, stale: readonly string[] = []): string {
  const canonical = JSON.stringify([
    params.url,
    [...params.enabled_events].sort(),
    params.api_version ?? null,
    Boolean(params.connect),
    params.description ?? null,
    Object.entries((params.metadata || {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1)),
    stale,
  ]);
  return `stripe-hooks-create-${createHash('sha256').update(canonical).digest('hex').slice(0, 40)}`;
}

/** What the endpoint will look like after the plan is applied (for --dry-run). */
export function predictedView(plan: Plan): EndpointView {
  if (plan.action === 'unchanged') return plan.endpoint;
  if (plan.action === 'created') {
    const { params } = plan;
    return {
      id: null,
      url: params.url,
      enabled_events: [...params.enabled_events],
      api_version: params.api_version ?? null,
      status: plan.disable ? 'disabled' : 'enabled',
      description: (params.description as string | undefined) || null,
      metadata: { ...(params.metadata as Record<string, string> | undefined) },
    };
  }
  const { endpoint, params } = plan;
  const metadata = { ...endpoint.metadata, ...(params.metadata as Record<string, string> | undefined) };
  for (const [key, value] of Object.entries(metadata)) if (value === '') delete metadata[key];
  return {
    ...endpoint,
    enabled_events: params.enabled_events ? [...params.enabled_events] : endpoint.enabled_events,
    description: params.description === undefined ? endpoint.description : (params.description) || null,
    status: params.disabled === undefined ? endpoint.status : params.disabled ? 'disabled' : 'enabled',
    metadata,
  };
}

function describeEventChange(current: readonly string[], wanted: readonly string[]): string | undefined {
  const now = new Set(current);
  const next = new Set(wanted);
  if (now.size === next.size && [...next].every((event) => now.has(event))) return undefined;
  if (next.has('*') || now.has('*')) return `events: ${countEvents(current)} → ${countEvents(wanted)}`;
  const added = wanted.filter((event) => !now.has(event)).map((event) => `+${event}`);
  const removed = current.filter((event) => !next.has(event)).map((event) => `-${event}`);
  return `events: ${[...added, ...removed].join(' ')}`;
}

export function countEvents(events: readonly string[]): string {
  return events.includes('*') ? 'all events (*)' : plural(events.length, 'event');
}

const quote = (value: string | null): string => (value === null ? '(none)' : JSON.stringify(value));
