/**
 * `stripe-hooks trigger-flow`: resolve the flow (or list them), then hand it to
 * the live runner (./live.ts) or the offline one (./offline.ts).
 */
import type { Context } from '../../context.js';
import type { TriggerFlowCommandOptions } from './definition.js';
import { UsageError } from '../../errors.js';
import { assertLiveRunnable, listFlows, resolveFlow } from '../../flows/load.js';
import { renderFlowList } from '../../ui/flow-plan.js';
import { runLive } from './live.js';
import { runOffline } from './offline.js';

export async function run(name: string | undefined, options: TriggerFlowCommandOptions, ctx: Context): Promise<void> {
  const sources = { cwd: ctx.cwd, file: options.file };
  if (options.list) {
    const flows = await listFlows(sources);
    if (ctx.json) ctx.out.data({ flows });
    else renderFlowList(flows, ctx.out);
    return;
  }
  const flow = await resolveFlow(name, sources);
  if (options.offline && options.record !== undefined) {
    throw new UsageError('--record and --offline cannot be combined: offline events are synthesized, not received from Stripe', {
      hint: 'to get the same offline run again, pass --seed N; --record keeps the live events the relay delivers',
    });
  }
  if (options.live && options.record === undefined) throw new UsageError('--live works only with --record', { hint: 'add --record FILE, or drop --live' });
  if (options.offline) return runOffline(flow, options, ctx);
  assertLiveRunnable(flow);
  return runLive(flow, options, ctx);
}
