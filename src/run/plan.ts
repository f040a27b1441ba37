/**
 * What a live flow run will execute, as pure data: the `stripe listen` argv and
 * one `stripe trigger` argv per step (null for observed steps). `--dry-run`
 * prints this; the runner executes exactly this.
 */
import { UsageError } from '../errors.js';
import { suggest } from '../lib/suggest.js';
import type { Routing } from '../relay/routing.js';
import { buildListenArgs } from '../stripe-cli/listen.js';
import { selectionFor, splitSelection, type EventsFrom } from '../stripe-cli/listen-selection.js';
import { hasThinDestination } from '../relay/routing.js';
import { assertArgValue, stripeArgsBase } from '../stripe-cli/spawn.js';
import { flowEvents } from '../flows/events.js';
import { ONE_EVENT } from '../flows/single.js';
import type { Flow, FlowStep } from '../flows/types.js';

export interface PlanOptions {
  /** Where deliveries go: --forward-to, any --route, --thin-to. */
  routing: Routing;
  /** --events-from. */
  eventsFrom?: EventsFrom;
  apiBase?: URL;
  /** `--stripe-account acct_…`: trigger on a connected account. */
  stripeAccount?: string;
  /** Default per-step timeout; a step's own `timeout` wins. */
  stepTimeoutMs: number;
  /** false with --no-listen: triggers only, nothing verified. */
  listen: boolean;
}

export interface PlannedStep {
  index: number;
  step: FlowStep;
  /** The fixture run, or null for an observed step. */
  trigger: string | null;
  /** `stripe trigger …` argv (no key: that travels in the environment), or null for an observed step. */
  args: string[] | null;
  timeoutMs: number;
}

export interface FlowPlan {
  flow: Flow;
  /**
   * How `stripe listen` is run (null with --no-listen): the events it forwards (and every thin one, `allThin`, when
   * thin events have a destination but the flow names none), where the relay sends them, and the argv of each
   * `stripe listen` (two when snapshot and thin events are both selected: stripe-cli/listen-selection.ts) with the
   * relay's address as a placeholder (the relay picks its port and token at start).
   */
  listen: { events: string[]; allThin?: boolean; eventsFrom?: EventsFrom; routing: Routing; args: string[][] } | null;
  steps: PlannedStep[];
}

/** The fixture a step runs: its `trigger`, else its event; null when it only observes. */
export function fixtureOf(step: FlowStep): string | null {
  return step.observe ? null : (step.trigger ?? step.event);
}

export function buildTriggerArgs(step: FlowStep, options: Pick<PlanOptions, 'apiBase' | 'stripeAccount'> = {}): string[] {
  const fixture = fixtureOf(step);
  if (fixture === null) throw new Error(`step ${step.event} observes: it has no trigger`);
  const args = ['trigger', assertArgValue(fixture, 'trigger')];
  for (const flag of ['override', 'add', 'remove'] as const) {
    for (const value of step[flag] ?? []) args.push(`--${flag}`, assertArgValue(value, `--${flag}`));
  }
  if (options.stripeAccount) args.push('--stripe-account', assertArgValue(options.stripeAccount, '--stripe-account'));
  args.push(...stripeArgsBase(options));
  return args;
}

/** Where the Stripe CLI forwards, as `--dry-run` shows it. */
export const RELAY_PLACEHOLDER = 'http://127.0.0.1:<relay-port>/<token>';

export function planFlow(flow: Flow, options: PlanOptions): FlowPlan {
  const events: string[] = flowEvents(flow);
  const selection = selectionFor(events, hasThinDestination(options.routing));
  const split = splitSelection(selection);
  const { eventsFrom, apiBase } = options;
  const args = (['snapshot', 'thin'] as const).flatMap((kind) => {
    const chosen = split[kind];
    if (chosen === undefined) return [];
    const [forward, connect] = kind === 'thin' ? ['thin', 'thin-connect'] : ['forward', 'connect'];
    return [buildListenArgs({ forwardTo: `${RELAY_PLACEHOLDER}/${forward}`, forwardConnectTo: `${RELAY_PLACEHOLDER}/${connect}`, events: chosen, thin: kind === 'thin', eventsFrom, apiBase })];
  });
  return {
    flow,
    listen: options.listen ? { ...selection, events, ...(eventsFrom !== undefined && { eventsFrom }), routing: options.routing, args } : null,
    steps: flow.steps.map((step, index) => ({
      index,
      step,
      trigger: fixtureOf(step),
      args: step.observe ? null : buildTriggerArgs(step, options),
      timeoutMs: step.timeout !== undefined ? step.timeout * 1000 : options.stepTimeoutMs,
    })),
  };
}

/**
 * Every step that triggers must name a fixture this Stripe CLI has (from its
 * `stripe trigger --help`). Kept apart from file validation: offline runs need
 * no binary.
 */
export function assertTriggerable(flow: Flow, triggerable: ReadonlySet<string>): void {
  flow.steps.forEach((step, i) => {
    const fixture = fixtureOf(step);
    if (fixture === null || triggerable.has(fixture)) return;
    const close = step.trigger ? suggest(fixture, [...triggerable]) : undefined;
    if (flow.source === ONE_EVENT) {
      throw new UsageError(`the Stripe CLI has no \`stripe trigger\` fixture for "${fixture}"`, {
        hint: `Stripe sends ${fixture} as a side effect: add --offline to send one without the Stripe CLI, or run a flow whose earlier step causes it (trigger-flow)`,
      });
    }
    const where = `flow "${flow.name}" step ${i + 1}`;
    throw new UsageError(`${where}: the Stripe CLI has no \`stripe trigger\` fixture for "${fixture}"`, {
      hint: close
        ? `did you mean trigger: "${close}"?`
        : `if an earlier step causes ${step.event}, mark the step "observe: true"; else set "trigger" to a fixture that emits it (see \`stripe trigger --help\`)`,
    });
  });
}
