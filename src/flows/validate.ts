/**
 * Turns the plain value read from a flow file (YAML or JSON) into validated
 * `Flow`s. Pure: a problem is thrown as a FlowShapeError carrying the path of
 * the offending node, so the loader can point at its line and column.
 */
import { quoted } from '../lib/sanitize.js';
import { suggest } from '../lib/suggest.js';
import { EVENT_TYPE_FORM, isEventTypeShape } from '../lib/grammar.js';
import { isFlowEventType, unknownEventMessage } from './events.js';
import type { Flow, FlowEventType, FlowStep } from './types.js';

export type NodePath = (string | number)[];

export class FlowShapeError extends Error {
  constructor(
    readonly path: NodePath,
    message: string,
    readonly hint?: string,
    /** Point at the last path segment's key rather than its value (for unknown fields). */
    readonly atKey = false,
  ) {
    super(message);
    this.name = 'FlowShapeError';
  }
}

const FLOW_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const STEP_KEYS = ['event', 'trigger', 'observe', 'override', 'add', 'remove', 'timeout'] as const;
const FLOW_KEYS = ['name', 'description', 'apiVersion', 'steps'] as const;
/** A flow file's `apiVersion:` (the app's pinned Stripe API version): a date, optionally with a release name. */
const FLOW_API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;
// `stripe trigger --override customer:name=Bob`, `--add payment_intent:"metadata[k]"=v`, `--remove customer:email`.
const PARAM_WITH_VALUE = /^[^\s:="']+:[^=]+=/;
const PARAM = /^[^\s:="']+:\S/;
const MAX_TIMEOUT_S = 3600;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function rejectUnknownKeys(value: Record<string, unknown>, allowed: readonly string[], path: NodePath, what: string): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const close = suggest(key, allowed);
    throw new FlowShapeError([...path, key], `${what} has an unknown field ${quoted(key)}`, close ? `did you mean "${close}"?` : `allowed: ${allowed.join(', ')}`, true);
  }
}

function stringList(value: unknown, path: NodePath, label: string, pattern: RegExp, example: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => {
    const at = Array.isArray(value) ? [...path, i] : path;
    if (typeof item !== 'string' || !pattern.test(item)) {
      throw new FlowShapeError(at, `${label} ${quoted(item)} is not in the form ${example}`, `e.g. ${label}: ["${example.replace(/\w+$/, 'x')}"]`);
    }
    return item;
  });
}

function parseStep(value: unknown, path: NodePath, label: string): FlowStep {
  if (typeof value === 'string') value = { event: value }; // shorthand: `- invoice.created`
  if (!isRecord(value)) throw new FlowShapeError(path, `${label} must be an event type or a mapping with "event"`, 'e.g. - event: invoice.paid');
  rejectUnknownKeys(value, STEP_KEYS, path, label);
  const { event, trigger, observe, override, add, remove, timeout } = value;
  if (event === undefined) throw new FlowShapeError(path, `${label} has no "event"`, 'every step names the event type it waits for, e.g. event: invoice.paid');
  if (typeof event !== 'string') throw new FlowShapeError([...path, 'event'], `${label}: "event" must be a string`);
  if (!isFlowEventType(event)) {
    const { message, hint } = unknownEventMessage(event);
    throw new FlowShapeError([...path, 'event'], `${label}: ${message}`, hint);
  }
  const step: FlowStep = { event };
  if (observe !== undefined) {
    if (typeof observe !== 'boolean') throw new FlowShapeError([...path, 'observe'], `${label}: "observe" must be true or false`);
    if (observe) step.observe = true;
  }
  if (trigger !== undefined) {
    if (typeof trigger !== 'string' || !/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(trigger)) {
      throw new FlowShapeError([...path, 'trigger'], `${label}: "trigger" must name a stripe trigger fixture`, 'e.g. trigger: payment_intent.succeeded (see `stripe trigger --help`)');
    }
    if (step.observe) throw new FlowShapeError([...path, 'trigger'], `${label} has both "observe" and "trigger"`, 'an observed step runs no trigger: drop one of them');
    step.trigger = trigger;
  }
  const params = { override: [override, PARAM_WITH_VALUE, 'resource:param=value'], add: [add, PARAM_WITH_VALUE, 'resource:param=value'], remove: [remove, PARAM, 'resource:param'] } as const;
  for (const [key, [given, pattern, example]] of Object.entries(params)) {
    if (given === undefined) continue;
    if (step.observe) throw new FlowShapeError([...path, key], `${label} has "${key}" but is observed`, `"${key}" is passed to stripe trigger, which an observed step does not run`);
    step[key as 'override' | 'add' | 'remove'] = stringList(given, [...path, key], key, pattern, example);
  }
  if (timeout !== undefined) {
    if (typeof timeout !== 'number' || !(timeout > 0) || timeout > MAX_TIMEOUT_S) {
      throw new FlowShapeError([...path, 'timeout'], `${label}: "timeout" must be a number of seconds`, `e.g. timeout: 60 (at most ${MAX_TIMEOUT_S})`);
    }
    step.timeout = timeout;
  }
  return step;
}

/** One flow: `{ description?, steps }` or a bare list of steps. `path` points at it in the document. */
export function parseFlow(value: unknown, name: string, source: string, path: NodePath, allowName = false): Flow {
  if (!FLOW_NAME.test(name)) {
    throw new FlowShapeError(path, `flow name ${quoted(name)} is not allowed`, 'use letters, digits, ".", "_" and "-", starting with a letter or digit');
  }
  const what = `flow "${name}"`;
  const body = Array.isArray(value) ? { steps: value } : value;
  if (!isRecord(body)) throw new FlowShapeError(path, `${what} must be a mapping with "steps" (or a list of steps)`);
  rejectUnknownKeys(body, allowName ? FLOW_KEYS : FLOW_KEYS.filter((key) => key !== 'name'), path, what);
  const stepsPath = Array.isArray(value) ? path : [...path, 'steps'];
  if (body.description !== undefined && typeof body.description !== 'string') {
    throw new FlowShapeError([...path, 'description'], `${what}: "description" must be a string`);
  }
  if (body.apiVersion !== undefined && (typeof body.apiVersion !== 'string' || !FLOW_API_VERSION.test(body.apiVersion))) {
    throw new FlowShapeError([...path, 'apiVersion'], `${what}: "apiVersion" must be a Stripe API version`, 'e.g. apiVersion: 2022-08-01');
  }
  if (!Array.isArray(body.steps) || body.steps.length === 0) {
    throw new FlowShapeError(stepsPath, `${what} needs a non-empty list of "steps"`, 'e.g. steps: [{ event: invoice.created }, { event: invoice.paid }]');
  }
  const steps = body.steps.map((step, i) => parseStep(step, [...stepsPath, i], `${what} step ${i + 1}`));
  if (steps[0]!.observe) {
    throw new FlowShapeError([...stepsPath, 0], `${what} step 1 is observed, but no earlier step can cause its event`, 'let the first step run a trigger');
  }
  return { name, description: body.description ?? '', steps, source, ...(typeof body.apiVersion === 'string' && { apiVersion: body.apiVersion }) };
}

/**
 * A document's flows. A flow file holds one flow (`steps:`, named by `name:` or
 * `defaultName`) or several (`flows: { name: … }`); a config file holds a
 * `flows:` section next to other settings.
 */
export function parseFlowDocument(value: unknown, source: string, kind: 'file' | 'config', defaultName: string): Flow[] {
  if (value === null || value === undefined) {
    if (kind === 'config') return [];
    throw new FlowShapeError([], 'the flow file is empty', 'e.g. steps: [{ event: invoice.created }, { event: invoice.paid }]');
  }
  const hint = 'a flow file has "steps:" (one flow) or "flows:" (several by name)';
  if (!isRecord(value)) throw new FlowShapeError([], kind === 'config' ? 'the config file must be a mapping' : `the flow file must be a mapping`, hint);
  if (kind === 'file' && value.flows === undefined) {
    if (value.steps === undefined) throw new FlowShapeError([], 'the flow file has neither "steps" nor "flows"', hint);
    const name = value.name === undefined ? defaultName : value.name;
    if (typeof name !== 'string') throw new FlowShapeError(['name'], '"name" must be a string');
    return [parseFlow(value, name, source, [], true)];
  }
  if (kind === 'file') rejectUnknownKeys(value, ['flows'], [], 'a file with "flows"');
  if (value.flows === undefined) return [];
  if (!isRecord(value.flows)) throw new FlowShapeError(['flows'], '"flows" must map flow names to flows', 'e.g. flows: { refund: { steps: [charge.refunded] } }');
  return Object.entries(value.flows).map(([name, flow]) => parseFlow(flow, name, source, ['flows', name]));
}

/**
 * A flow given as an object (the library's FlowInput): checked by its shape alone, so a copy of a loaded flow
 * (`{ ...flow }`, a JSON round trip) is as good as the original. A recording's flow says so in `recording`, and
 * its name (the file's) and event types (any well-formed one) are checked by that field's rules.
 */
export function parseFlowObject(value: unknown): Flow {
  if (!isRecord(value)) throw new FlowShapeError([], 'flow must be a flow name or a flow object', "e.g. flow: 'payment'");
  const { name, source = 'flow object', recording, ...body } = value;
  if (typeof source !== 'string') throw new FlowShapeError(['source'], 'the flow\'s "source" must be a string');
  if (recording !== undefined && typeof recording !== 'boolean') throw new FlowShapeError(['recording'], 'the flow\'s "recording" must be true or false');
  if (recording) return parseRecordedFlow(body, name, source);
  return parseFlow(body, typeof name === 'string' ? name : '', source, []);
}

/** A recording's flow: a name, a description, and steps of `{ event }` with well-formed types, nothing else. */
function parseRecordedFlow(body: Record<string, unknown>, name: unknown, source: string): Flow {
  if (typeof name !== 'string' || name === '') throw new FlowShapeError(['name'], 'a recording\'s flow needs its "name" (the file\'s)');
  const what = `flow ${quoted(name)}`;
  rejectUnknownKeys(body, ['description', 'steps'], [], what);
  if (body.description !== undefined && typeof body.description !== 'string') throw new FlowShapeError(['description'], `${what}: "description" must be a string`);
  if (!Array.isArray(body.steps) || body.steps.length === 0) throw new FlowShapeError(['steps'], `${what} needs a non-empty list of "steps"`);
  const steps = body.steps.map((step: unknown, i) => {
    const label = `${what} step ${i + 1}`;
    if (!isRecord(step)) throw new FlowShapeError(['steps', i], `${label} must be a mapping with "event"`);
    rejectUnknownKeys(step, ['event'], ['steps', i], `${label} (recorded)`);
    if (!isEventTypeShape(step.event)) throw new FlowShapeError(['steps', i, 'event'], `${label}: ${quoted(step.event)} is not an event type`, `an event type is ${EVENT_TYPE_FORM}`);
    return { event: step.event as FlowEventType };
  });
  return { name, description: body.description ?? '', steps, source, recording: true };
}
