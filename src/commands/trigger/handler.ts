/**
 * `stripe-hooks trigger <event>`: one event as a one-step flow, handed to trigger-flow's live runner (through
 * `stripe trigger` and the relay) or its offline one (--offline): same checks, report, --json and exit codes.
 */
import type { Context } from '../../context.js';
import { singleEventFlow } from '../../flows/single.js';
import type { TriggerFlowCommandOptions } from '../trigger-flow/definition.js';
import { runLive } from '../trigger-flow/live.js';
import { runOffline } from '../trigger-flow/offline.js';
import type { TriggerCommandOptions } from './definition.js';
import { checkRecordOptions } from '../../record/policy.js';
import { INSPECT_LIMIT } from '../../inspect/server.js';

export async function run(event: string, options: TriggerCommandOptions, ctx: Context): Promise<void> {
  const { override, add, remove, timeout, ...rest } = options;
  checkRecordOptions(options);
  const flow = singleEventFlow(event, { override, add, remove });
  // trigger-flow's options for a one-step run: the step's time limit is --timeout, a listener verifies it live.
  // One event has nothing to reorder: the relay's window is moot without --serial.
  const flowOptions: TriggerFlowCommandOptions = { ...rest, stepTimeout: timeout, listen: true, repeat: 1, concurrency: 1, reorderWindow: 0, inspectLimit: INSPECT_LIMIT }; // trigger has no --inspect
  if (options.offline) return runOffline(flow, flowOptions, ctx);
  return runLive(flow, flowOptions, ctx);
}
