/** The library's endpoint functions, over the cores `register-endpoint` and `endpoints list|delete` run. */
import { deleteWebhookEndpoint as remove, findEndpoint, listWebhookEndpoints as list, openEndpointsApi, registerWebhookEndpoint as register } from '../endpoints/stripe-calls.js';
import { checkMetadata, type DesiredEndpoint } from '../endpoints/desired.js';
import { deleteReport, endpointsReport, registerReport, type DeleteReport, type EndpointsReport, type RegisterReport } from '../endpoints/reports.js';
import { assertHttpsForLive, normaliseEndpointUrl } from '../endpoints/url.js';
import { UsageError } from '../errors.js';
import { assertEventType } from '../flows/events.js';
import { option } from '../lib/option-name.js';
import { SDK_API_VERSION } from '../lib/sdk-api-version.js';
import { apiEnvironment, interruptible } from './common.js';
import type { DeleteEndpointOptions, ListEndpointsOptions, RegisterEndpointOptions } from './options.js';
import { checkOptions } from './check.js';
import { RULES } from './rules.js';

// The library never takes a live key: managing live endpoints stays a deliberate CLI step (--live).
const open = (options: ListEndpointsOptions) => openEndpointsApi(apiEnvironment(options), { live: false });

/** The endpoint the options describe, each value already of its type (check.ts): what is left is Stripe's own rules. */
function desired(options: RegisterEndpointOptions): DesiredEndpoint {
  const all = options.events.includes('*');
  if (all && options.events.length > 1) throw new UsageError("events: ['*'] already means every event: list nothing else with it", { hint: "events: ['*']" });
  return {
    url: normaliseEndpointUrl(options.url, option('url')),
    events: all ? ['*'] : [...new Set(options.events.map((type) => assertEventType(type.trim(), 'events')))],
    description: options.description,
    metadata: checkMetadata(options.metadata ?? {}, option('metadata')),
    apiVersion: options.apiVersion?.trim() ?? SDK_API_VERSION,
    apiVersionExplicit: options.apiVersion !== undefined,
    connect: Boolean(options.connect),
    disabled: Boolean(options.disabled),
  };
}

export function registerEndpoint(options: RegisterEndpointOptions): Promise<RegisterReport> {
  checkOptions('registerEndpoint', options, RULES.registerEndpoint);
  return interruptible(options.signal, async () => {
    const endpoint = desired(options);
    const api = await open(options);
    assertHttpsForLive(endpoint.url, api.liveKey);
    return registerReport(await register(api, endpoint, { dryRun: options.dryRun }));
  });
}

export function listEndpoints(options: ListEndpointsOptions = {}): Promise<EndpointsReport> {
  checkOptions('listEndpoints', options, RULES.listEndpoints);
  return interruptible(options.signal, async () => endpointsReport(await list(await open(options))));
}

export function deleteEndpoint(options: DeleteEndpointOptions): Promise<DeleteReport> {
  checkOptions('deleteEndpoint', options, RULES.deleteEndpoint);
  return interruptible(options.signal, async () => {
    if ((options.id === undefined) === (options.url === undefined)) {
      throw new UsageError(options.id === undefined ? 'id or url is required' : 'give id or url, not both', { hint: "e.g. deleteEndpoint({ id: 'we_123' }); listEndpoints() lists them" });
    }
    const api = await open(options);
    const endpoint = await findEndpoint(api, options.id === undefined ? { url: normaliseEndpointUrl(options.url!, option('url')) } : { id: options.id });
    await remove(api, endpoint.id);
    return deleteReport(endpoint);
  });
}
