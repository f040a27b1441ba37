/**
 * The I/O half: list, register, find and delete webhook endpoints through the SDK.
 * Every call goes through `stripeCall` (429 retried, errors in our model); nothing
 * here prints — results are returned for the command to render.
 */
import { UsageError } from '../errors.js';
import type { Environment } from '../lib/environment.js';
import type { OptionNames } from '../lib/option-name.js';
import { isLiveKey } from '../lib/stripe-key.js';
import { createStripeClient, resolveApiKey, stripeCall, type ApiKeyOptions, type RetryOptions, type Stripe } from '../stripe-api/client.js';
import type { DesiredEndpoint } from './desired.js';
import {
  createIdempotencyKey,
  endpointView,
  planRegistration,
  predictedView,
  type Plan,
} from './plan.js';
import type { EndpointView } from './reports.js';
import { normaliseEndpointUrl, sameUrl } from './url.js';

export interface EndpointsApi extends RetryOptions {
  stripe: Stripe;
  apiBase?: URL;
  /** How errors name the options (--api-key or apiKey, …). */
  names?: OptionNames;
}

/** Resolves the key (refusing a live one without --live) and makes the client; sends nothing. */
export async function openEndpointsApi(
  environment: Pick<Environment, 'apiKey' | 'apiBase' | 'signal' | 'names'>,
  options: Omit<ApiKeyOptions, 'names'>,
): Promise<EndpointsApi & { liveKey: boolean }> {
  const { apiBase, signal, names } = environment;
  const apiKey = await resolveApiKey(environment.apiKey, { ...options, names });
  const stripe = await createStripeClient({ apiKey, apiBase, signal });
  return { stripe, apiBase, signal, names, liveKey: isLiveKey(apiKey) };
}

export interface RegisterResult {
  action: 'created' | 'updated' | 'unchanged';
  endpoint: EndpointView;
  /** The signing secret: Stripe returns it only when the endpoint is created. */
  secret?: string;
  changes: string[];
  warnings: string[];
  dryRun: boolean;
}

/** Every endpoint, page by page (100 a page); each page is retried on its own when rate-limited. */
export async function listWebhookEndpoints(api: EndpointsApi): Promise<(EndpointView & { id: string })[]> {
  const all: (EndpointView & { id: string })[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await stripeCall(
      () => api.stripe.webhookEndpoints.list({ limit: 100, ...(startingAfter && { starting_after: startingAfter }) }),
      api,
    );
    all.push(...page.data.map(endpointView));
    if (!page.has_more || page.data.length === 0) return all;
    startingAfter = page.data.at(-1)!.id;
  }
}

export async function registerWebhookEndpoint(api: EndpointsApi, desired: DesiredEndpoint, options: { dryRun?: boolean } = {}): Promise<RegisterResult> {
  const plan = planRegistration(desired, await listWebhookEndpoints(api));
  const base = { action: plan.action, changes: plan.action === 'updated' ? plan.changes : [], warnings: plan.warnings };
  if (options.dryRun || plan.action === 'unchanged') return { ...base, endpoint: predictedView(plan), dryRun: Boolean(options.dryRun) };
  if (plan.action === 'updated') {
    const updated = await stripeCall(() => api.stripe.webhookEndpoints.update(plan.endpoint.id, plan.params), api);
    return { ...base, endpoint: endpointView(updated), dryRun: false };
  }
  const created = await create(api, plan);
  return { ...base, endpoint: endpointView(created.endpoint), secret: created.secret, dryRun: false };
}

async function create(api: EndpointsApi, plan: Extract<Plan, { action: 'created' }>, stale: string[] = []) {
  const idempotencyKey = createIdempotencyKey(plan.params, stale);
  const created = await stripeCall(() => api.stripe.webhookEndpoints.create(plan.params, { idempotencyKey }), api);
  // A replayed answer may describe an endpoint deleted since the key was first used.
  if (created.lastResponse?.headers['idempotent-replayed'] === 'true' && stale.length < 3 && !(await exists(api, created.id))) {
    return create(api, plan, [...stale, created.id]);
  }
  let endpoint: Stripe.WebhookEndpoint = created;
  // Stripe creates endpoints enabled; `disabled` exists only on update.
  if (plan.disable) endpoint = await stripeCall(() => api.stripe.webhookEndpoints.update(created.id, { disabled: true }), api);
  return { endpoint, secret: created.secret };
}

async function exists(api: EndpointsApi, id: string): Promise<boolean> {
  try {
    await stripeCall(() => api.stripe.webhookEndpoints.retrieve(id), api);
    return true;
  } catch (error) {
    if (((error as Error).cause as { statusCode?: number } | undefined)?.statusCode === 404) return false;
    throw error;
  }
}

export type DeleteTarget = { id: string } | { url: string };

/** Validates `<we_…>` or `--url` before any request. */
export function deleteTarget(id: string | undefined, url: string | undefined): DeleteTarget {
  if (id !== undefined && url !== undefined) throw new UsageError('give an endpoint id or --url, not both', { hint: 'e.g. stripe-hooks endpoints delete we_123' });
  if (url !== undefined) return { url: normaliseEndpointUrl(url) };
  if (id === undefined) throw new UsageError('which endpoint? give its id (we_…) or --url', { hint: 'list them with `stripe-hooks endpoints list`' });
  if (!/^we_[A-Za-z0-9]+$/.test(id)) throw new UsageError(`"${id}" is not a webhook endpoint id`, { hint: 'ids start with we_; list them with `stripe-hooks endpoints list`' });
  return { id };
}

/** The one endpoint a delete target names; a URL used by several is ambiguous. */
export async function findEndpoint(api: EndpointsApi, target: DeleteTarget): Promise<EndpointView & { id: string }> {
  if ('id' in target) return endpointView(await stripeCall(() => api.stripe.webhookEndpoints.retrieve(target.id), api));
  const found = (await listWebhookEndpoints(api)).filter((endpoint) => sameUrl(endpoint.url, target.url));
  if (found.length === 0) {
    throw new UsageError(`no webhook endpoint has the URL ${target.url}`, { hint: 'list them with `stripe-hooks endpoints list`' });
  }
  if (found.length > 1) {
    throw new UsageError(`${found.length} endpoints use ${target.url} (${found.map((e) => e.id).join(', ')})`, {
      hint: 'delete one by id: stripe-hooks endpoints delete <we_…>',
    });
  }
  return found[0]!;
}

export async function deleteWebhookEndpoint(api: EndpointsApi, id: string): Promise<void> {
  await stripeCall(() => api.stripe.webhookEndpoints.del(id), api);
}
