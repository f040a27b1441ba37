/**
 * `trigger-flow --dry-run` and `--list` for a human: the plan as a shell script
 * one could paste (the key stays in the environment), and the flow catalogue.
 */
import { shown } from '../lib/sanitize.js';
import { shellCommand } from '../lib/shell.js';
import type { Routing } from '../relay/routing.js';
import type { FlowPlan } from '../run/plan.js';
import type { Flow } from '../flows/types.js';
import type { Output } from './output.js';
import { table } from './table.js';
import { plural } from '../lib/plural.js';

const seconds = (ms: number) => `${ms / 1000} s`;

export function renderPlan(plan: FlowPlan, out: Output): void {
  const { flow } = plan;
  const { c } = out;
  out.line(c.dim(`# flow ${flow.name} (${flow.source}): ${plural(flow.steps.length, 'step')}${flow.description ? ` — ${shown(flow.description)}` : ''}`));
  out.line(c.dim('# the API key reaches every stripe process in STRIPE_API_KEY, never on its command line'));
  if (plan.listen) {
    for (const line of relayLines(plan.listen.routing)) out.line(c.dim(line));
    const thin = plan.listen.args[1];
    if (thin) out.line(c.dim('# one stripe listen for snapshot events, one for thin events (the Stripe CLI takes both kinds to one destination only with deprecated flags)'));
    for (const args of plan.listen.args) out.line(`${shellCommand(['stripe', ...args])} &`);
    out.line(c.dim(`# once ${thin ? 'both print' : 'it prints'} Ready, one step at a time:`));
  } else {
    out.line(c.dim('# --no-listen: triggers only, deliveries are not checked'));
  }
  for (const { index, step, args, timeoutMs } of plan.steps) {
    const wait = plan.listen ? `then wait up to ${seconds(timeoutMs)} for ${step.event} to be forwarded and answered 2xx` : '';
    if (args) out.line(`${shellCommand(['stripe', ...args])}  ${c.dim(`# step ${index + 1}${wait ? `: ${wait}` : ''}`)}`);
    else out.line(c.dim(`# step ${index + 1}: no trigger — ${step.event} comes from an earlier step${plan.listen ? `; wait up to ${seconds(timeoutMs)} for it` : ' (not checked)'}`));
  }
}

/** Where the relay (which `stripe listen` forwards to) delivers, as comment lines. */
function relayLines(routing: Routing): string[] {
  const where = `stripe listen forwards to stripe-hooks' relay (127.0.0.1; its port and token are picked at start), which delivers`;
  const thin = routing.thinTo ? [`#   thin events → ${routing.thinTo}`] : [];
  if (routing.routes.length === 0 && thin.length === 0) return [`# ${where} to ${routing.forwardTo}`];
  return [`# ${where} by event type, first match wins:`, ...routing.routes.map(({ glob, url }) => `#   ${glob} → ${url}`), ...thin, `#   anything else → ${routing.forwardTo}`];
}

export function planJson(plan: FlowPlan): Record<string, unknown> {
  return {
    flow: plan.flow.name,
    dryRun: true,
    // The first `stripe listen`; `listenThin`, the second, for thin events, when both kinds are selected.
    listen: plan.listen ? ['stripe', ...plan.listen.args[0]!] : null,
    ...(plan.listen?.args[1] && { listenThin: ['stripe', ...plan.listen.args[1]] }),
    relay: plan.listen ? relayJson(plan.listen.routing, plan.listen.eventsFrom) : null,
    steps: plan.steps.map(({ step, trigger, args, timeoutMs }) => ({
      event: step.event,
      trigger,
      command: args ? ['stripe', ...args] : null,
      timeoutMs,
    })),
  };
}

function relayJson(routing: Routing, eventsFrom = 'all'): Record<string, unknown> {
  const { forwardTo, thinTo, routes } = routing;
  return { forwardTo, ...(thinTo !== undefined && { thinTo }), eventsFrom, routes: routes.map(({ glob, url }) => ({ glob, url })) };
}

export function renderFlowList(flows: readonly Flow[], out: Output): void {
  out.line(table(['flow', 'steps', 'source', 'description'], flows.map((flow) => [shown(flow.name), String(flow.steps.length), shown(flow.source), shown(flow.description)])));
  out.line();
  out.line(out.c.dim('run one: stripe-hooks trigger-flow <flow>   show its commands: --dry-run'));
}
