/** The library's endpoint functions, over the cores `register-endpoint` and `endpoints list|delete` run. */
import { deleteTarget, deleteWebhookEndpoint as remove, findEndpoint, listWebhookEndpoints as list, openEndpointsApi, registerWebhookEndpoint as register } from '../endpoints/stripe-calls.js';
import { desiredEndpoint } from '../endpoints/desired.js';
import { deleteReport, endpointsReport, registerReport, type DeleteReport, type EndpointsReport, type RegisterReport } from '../endpoints/reports.js';
import { assertHttpsForLive } from '../endpoints/url.js';
import { SDK_API_VERSION } from '../lib/sdk-api-version.js';
import { apiEnvironment, interruptible } from './common.js';
import type { DeleteEndpointOptions, ListEndpointsOptions, RegisterEndpointOptions } from './options.js';

// The library never takes a live key: managing live endpoints stays a deliberate CLI step (--live).
const open = (options: ListEndpointsOptions) => openEndpointsApi(apiEnvironment(options), { live: false });

export function registerEndpoint(options: RegisterEndpointOptions): Promise<RegisterReport> {
  return interruptible(options.signal, async () => {
    const given = {
      url: options.url,
      events: options.events.join(','),
      description: options.description,
      apiVersion: options.apiVersion,
      connect: options.connect,
      metadata: Object.entries(options.metadata ?? {}).map(([key, value]) => `${key}=${value}`),
      disabled: options.disabled,
    };
    const desired = await desiredEndpoint(given, SDK_API_VERSION, process.cwd());
    const api = await open(options);
    assertHttpsForLive(desired.url, api.liveKey);
    return registerReport(await register(api, desired, { dryRun: options.dryRun }));
  });
}

export function listEndpoints(options: ListEndpointsOptions = {}): Promise<EndpointsReport> {
  return interruptible(options.signal, async () => endpointsReport(await list(await open(options))));
}

export function deleteEndpoint(options: DeleteEndpointOptions): Promise<DeleteReport> {
  return interruptible(options.signal, async () => {
    const target = deleteTarget(options.id, options.url);
    const api = await open(options);
    const endpoint = await findEndpoint(api, target);
    await remove(api, endpoint.id);
    return deleteReport(endpoint);
  });
}
