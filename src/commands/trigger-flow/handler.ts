/**
 * `stripe-hooks trigger-flow`: resolve the flow (or list them), then hand it to
 * the live runner (./live.ts) or the offline one (./offline.ts). The offline one,
 * with event synthesis and dotenv, loads only for --offline: a live run's time
 * to start `stripe listen` is its overhead over the manual way (docs/benchmarks.md).
 */
import type { Context } from '../../context.js';
import type { TriggerFlowCommandOptions } from './definition.js';
import { assertLiveRunnable, listFlows, resolveFlow } from '../../flows/load.js';
import { checkRecordOptions } from '../../record/policy.js';
import { renderFlowList } from '../../ui/flow-plan.js';
import { runLive } from './live.js';

export async function run(name: string | undefined, options: TriggerFlowCommandOptions, ctx: Context): Promise<void> {
  const sources = { cwd: ctx.cwd, file: options.file };
  if (options.list) {
    const flows = await listFlows(sources);
    if (ctx.json) ctx.out.data({ flows });
    else renderFlowList(flows, ctx.out);
    return;
  }
  const flow = await resolveFlow(name, sources);
  checkRecordOptions(options);
  if (options.offline) return (await import('./offline.js')).runOffline(flow, options, ctx);
  assertLiveRunnable(flow);
  return runLive(flow, options, ctx);
}
