/**
 * Where flows come from: `--file flow.yaml|flow.json` (or a recording: see
 * recordingFlow), a `flows:` section in `stripe-hooks.config.{json,yaml,yml}` in
 * the cwd, and the built-ins — looked up in that order, so a user flow may shadow
 * a built-in of the same name. Every problem is a one-line UsageError pointing at
 * file:line:column.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { suggest } from '../lib/suggest.js';
import { looksLikeRecording, readRecording, recordingAsFlow, shownPath } from '../record/read.js';
import { BUILTIN_FLOWS } from './builtin.js';
import type { EventType } from './event-types.js';
import { flowEvents, THIN_ELSEWHERE } from './events.js';
import { isThinEventType } from './thin.js';
import type { Flow } from './types.js';
import { FlowShapeError, parseFlowDocument, type NodePath } from './validate.js';
import { plural } from '../lib/plural.js';

export const CONFIG_FILES = ['stripe-hooks.config.json', 'stripe-hooks.config.yaml', 'stripe-hooks.config.yml'] as const;

export interface FlowSources {
  cwd: string;
  /** A flow file given with --file (relative to cwd). */
  file?: string;
}

type Position = { line: number; col: number };

/** 1-based line and column of a character offset. */
function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

const at = (shown: string, position?: Position) => (position ? `${shown}:${position.line}:${position.col}` : shown);

/** Where a node of the document starts, found by re-reading the text with the YAML parser (JSON is YAML too). */
async function locate(text: string, path: NodePath, atKey: boolean): Promise<Position | undefined> {
  const { parseDocument, isMap, isNode, isScalar } = await import('yaml');
  const document = parseDocument(text);
  if (atKey && path.length > 0) {
    const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
    const pair = isMap(parent) ? parent.items.find((item) => isScalar(item.key) && item.key.value === path.at(-1)) : undefined;
    if (isNode(pair?.key) && pair.key.range) return positionOf(text, pair.key.range[0]);
  }
  for (let depth = path.length; depth >= 0; depth--) {
    // A missing node points at its nearest ancestor.
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return positionOf(text, node.range[0]);
  }
  return undefined;
}

async function parseText(text: string, shown: string, json: boolean): Promise<unknown> {
  if (json) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const message = (error as Error).message;
      const offset = /at position (\d+)/.exec(message)?.[1];
      const why = message.replace(/\s*(in JSON )?at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
      throw new UsageError(`${at(shown, offset === undefined ? undefined : positionOf(text, Number(offset)))}: malformed JSON: ${why}`, {
        hint: 'fix the file (a JSON validator or `jq . file` shows the problem)',
      });
    }
  }
  const { parseDocument } = await import('yaml');
  const document = parseDocument(text, { prettyErrors: false });
  const [first] = document.errors;
  if (first) {
    throw new UsageError(`${at(shown, positionOf(text, first.pos[0]))}: malformed YAML: ${first.message}`, {
      hint: 'fix the file: indent with spaces, close every quote and bracket',
    });
  }
  return document.toJS() as unknown;
}

/** The file's text, or undefined when there is no such file. */
async function readSource(path: string, shown: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new UsageError(`${shown} is a directory, not a flow file`, { hint: 'pass a .yaml or .json file' });
    throw new UsageError(`cannot read ${shown} (${code ?? String(error)})`, { hint: 'check the path and its permissions' });
  }
}

async function loadDocument(path: string, shown: string, kind: 'file' | 'config', text: string): Promise<Flow[]> {
  const value = await parseText(text, shown, extname(path).toLowerCase() === '.json');
  const defaultName = basename(path, extname(path));
  try {
    return parseFlowDocument(value, shown, kind, defaultName);
  } catch (error) {
    if (!(error instanceof FlowShapeError)) throw error;
    throw new UsageError(`${at(shown, await locate(text, error.path, error.atKey))}: ${error.message}`, { hint: error.hint });
  }
}

const RECORDING_EXTENSIONS = new Set(['.ndjson', '.jsonl']);

/**
 * A recording used as a flow: the sequence of its event types, in recorded order (the file's
 * name names it). Offline mode synthesizes fresh events of those types, so --repeat, --seed,
 * --shuffle and --audit work as for any flow; `replay` sends the recorded bytes themselves.
 * Every type is taken, even one this SDK's list lacks (the recording shows Stripe sends it):
 * types offline mode has no model of get its generic envelope.
 */
async function recordingFlow(file: string, cwd: string): Promise<Flow> {
  const recording = await readRecording(file, cwd);
  return recordingAsFlow(recording, recording.entries, `the ${plural(recording.entries.length, 'event type')} recorded in ${recording.shown}`);
}

/**
 * Refuses a recording-as-flow in live mode: `stripe trigger` has no fixture for most recorded types, and each
 * fixture fires more events. `instead` says what to do, in the caller's terms (the CLI's by default).
 */
export function assertLiveRunnable(flow: Flow, instead?: string): void {
  if (!flow.recording) return;
  throw new UsageError(`${flow.source} is a recording: live mode cannot trigger its events`, {
    hint: instead ?? `add --offline for fresh events of its types, or run \`stripe-hooks replay ${flow.source}\` to send the recorded events themselves`,
  });
}

/** The flows of a `--file` (a flow file, or a recording, told apart by content). */
export async function loadFlowFile(file: string, cwd: string): Promise<Flow[]> {
  const path = resolve(cwd, file);
  const shown = shownPath(file, cwd);
  // An .ndjson file is a recording whatever its first line (a bad line is reported as file:line), and is streamed
  // by the recording reader, never read whole here; any other name is told apart by content.
  const recording = RECORDING_EXTENSIONS.has(extname(path).toLowerCase());
  const text = recording ? '' : await readSource(path, shown);
  if (text === undefined) throw new UsageError(`flow file ${shown} not found`, { hint: `check the path (relative to ${cwd})` });
  return recording || looksLikeRecording(text) ? [await recordingFlow(file, cwd)] : loadDocument(path, shown, 'file', text);
}

/** The `flows:` section of the cwd's config file, if there is one. */
export async function loadConfigFlows(cwd: string): Promise<Flow[]> {
  const found: { name: string; text: string }[] = [];
  for (const name of CONFIG_FILES) {
    const text = await readSource(join(cwd, name), name);
    if (text !== undefined) found.push({ name, text });
  }
  if (found.length > 1) {
    throw new UsageError(`both ${found.map((f) => f.name).join(' and ')} exist`, { hint: 'keep one stripe-hooks config file' });
  }
  const [config] = found;
  return config ? loadDocument(join(cwd, config.name), config.name, 'config', config.text) : [];
}

async function available(sources: FlowSources): Promise<{ fromFile: Flow[]; flows: Flow[] }> {
  const fromFile = sources.file ? await loadFlowFile(sources.file, sources.cwd) : [];
  const seen = new Set<string>();
  // First come first served: a user flow shadows a built-in of the same name.
  const flows = [...fromFile, ...(await loadConfigFlows(sources.cwd)), ...BUILTIN_FLOWS].filter((flow) => !seen.has(flow.name) && Boolean(seen.add(flow.name)));
  return { fromFile, flows };
}

/** Every flow available: --file, then the config file, then the built-ins. */
export async function listFlows(sources: FlowSources): Promise<Flow[]> {
  return (await available(sources)).flows;
}

/**
 * The flow to run. Without a name, a --file holding exactly one flow names it.
 * Events and step fields are validated by then; whether each step has a
 * `stripe trigger` fixture is checked later, by the live runner only.
 */
export async function resolveFlow(name: string | undefined, sources: FlowSources): Promise<Flow> {
  const { fromFile, flows } = await available(sources);
  const names = flows.map((flow) => flow.name);
  if (name === undefined) {
    if (fromFile.length === 1) return fromFile[0]!;
    throw new UsageError('no flow given', { hint: `name one: ${names.join(', ')} (--list describes them)` });
  }
  const flow = flows.find((candidate) => candidate.name === name);
  if (flow) return flow;
  const close = suggest(name, names);
  throw new UsageError(`unknown flow "${name}"`, { hint: `${close ? `did you mean "${close}"? ` : ''}known flows: ${names.join(', ')}` });
}

/**
 * The distinct event types of the named flow (see `flowEvents`), for `register-endpoint --flow`, which takes
 * snapshot events only: a thin step is a UsageError naming it. (`listen --flow` forwards thin steps too.)
 */
export async function flowEventTypes(name: string, sources: FlowSources): Promise<EventType[]> {
  const flow = await resolveFlow(name, sources);
  const types = flowEvents(flow);
  const thin = types.find(isThinEventType);
  if (thin !== undefined) throw new UsageError(`flow "${flow.name}" has the thin event ${thin}`, { hint: THIN_ELSEWHERE });
  return types as EventType[];
}
