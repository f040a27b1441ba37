/**
 * `stripe-hooks trigger-flow`: resolve the flow (or list them), then hand it to
 * the live or the offline runner, each loaded only when it runs, so an offline
 * run never loads the Stripe CLI plumbing and a live one never loads the
 * event synthesis.
 */
import type { Context } from '../context.js';
import type { TriggerFlowOptions } from '../definitions/index.js';
import { assertLiveRunnable, listFlows, resolveFlow } from '../flows/load.js';
import { renderFlowList } from '../ui/flow-plan.js';

export async function run(name: string | undefined, options: TriggerFlowOptions, ctx: Context): Promise<void> {
  const sources = { cwd: ctx.cwd, file: options.file };
  if (options.list) {
    const flows = await listFlows(sources);
    if (ctx.json) ctx.out.data({ flows });
    else renderFlowList(flows, ctx.out);
    return;
  }
  const flow = await resolveFlow(name, sources);
  if (options.offline) {
    // Offline mode (no Stripe CLI, no account) lives in its own module, loaded only when asked for.
    return (await import('./trigger-flow-offline.js')).runOffline(flow, options, ctx);
  }
  assertLiveRunnable(flow);
  return (await import('./trigger-flow-live.js')).runLive(flow, options, ctx);
}
