/** `endpoints list` and `endpoints delete`: the webhook endpoints of the account the key belongs to. */
import type { Context } from '../../context.js';
import type { EndpointsDeleteCommandOptions, EndpointsListCommandOptions } from './definition.js';
import { deleteWebhookEndpoint, deleteTarget, findEndpoint, listWebhookEndpoints, openEndpointsApi } from '../../endpoints/stripe-calls.js';
import { UsageError } from '../../errors.js';
import { apiKeyPrompt } from '../../ui/api-key-prompt.js';
import { confirm } from '../../ui/prompt.js';
import { renderDeleted, renderEndpointList } from '../../ui/endpoints.js';

export async function runList(options: EndpointsListCommandOptions, ctx: Context): Promise<void> {
  const api = await openEndpointsApi(ctx, { live: options.live, ask: apiKeyPrompt(ctx.canPrompt) });
  renderEndpointList(ctx.out, await listWebhookEndpoints(api));
}

export async function runDelete(id: string | undefined, options: EndpointsDeleteCommandOptions, ctx: Context): Promise<void> {
  const target = deleteTarget(id, options.url);
  if (!options.yes && !ctx.canPrompt) {
    throw new UsageError('deleting an endpoint needs confirmation, and there is no terminal to ask on', {
      hint: 'pass --yes to delete without asking',
    });
  }
  const api = await openEndpointsApi(ctx, { live: options.live, ask: apiKeyPrompt(ctx.canPrompt) });
  const endpoint = await findEndpoint(api, target);
  if (!options.yes) {
    if (!(await confirm(`Delete webhook endpoint ${endpoint.id} (${endpoint.url})? Stripe stops sending it events at once.`))) {
      ctx.out.note('nothing deleted');
      return;
    }
  }
  await deleteWebhookEndpoint(api, endpoint.id);
  renderDeleted(ctx.out, endpoint);
}
