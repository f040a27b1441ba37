/** `endpoints list` and `endpoints delete`: the webhook endpoints of the account the key belongs to. */
import type { Context } from '../context.js';
import { deleteEndpoint, deleteTarget, findEndpoint, listEndpoints, openEndpointsApi } from '../endpoints/api.js';
import { countEvents } from '../endpoints/plan.js';
import { UsageError } from '../errors.js';
import { apiKeyPrompt } from '../ui/api-key-prompt.js';
import { table } from '../ui/table.js';

export async function runList(_args: string[], options: Record<string, unknown>, ctx: Context): Promise<void> {
  const api = await openEndpointsApi(ctx, { live: Boolean(options.live), ask: apiKeyPrompt(ctx.canPrompt) });
  const endpoints = await listEndpoints(api);
  if (ctx.json) return ctx.out.data({ endpoints });
  if (endpoints.length === 0) return ctx.out.note('no webhook endpoints');
  const rows = endpoints.map((endpoint) => [
    endpoint.id,
    endpoint.url,
    endpoint.status,
    countEvents(endpoint.enabled_events),
    endpoint.api_version ?? "account's default",
  ]);
  ctx.out.line(table(['ID', 'URL', 'STATUS', 'EVENTS', 'API VERSION'], rows));
}

export async function runDelete(args: string[], options: Record<string, unknown>, ctx: Context): Promise<void> {
  const target = deleteTarget(args[0], options.url as string | undefined);
  const yes = Boolean(options.yes);
  if (!yes && !ctx.canPrompt) {
    throw new UsageError('deleting an endpoint needs confirmation, and there is no terminal to ask on', {
      hint: 'pass --yes to delete without asking',
    });
  }
  const api = await openEndpointsApi(ctx, { live: Boolean(options.live), ask: apiKeyPrompt(ctx.canPrompt) });
  const endpoint = await findEndpoint(api, target);
  if (!yes) {
    const { confirm } = await import('../ui/prompt.js');
    if (!(await confirm(`Delete webhook endpoint ${endpoint.id} (${endpoint.url})? Stripe stops sending it events at once.`))) {
      ctx.out.note('nothing deleted');
      return;
    }
  }
  await deleteEndpoint(api, endpoint.id);
  if (ctx.json) return ctx.out.data({ action: 'deleted', endpoint });
  ctx.out.line(`deleted  ${endpoint.id}  ${endpoint.url}`);
}
