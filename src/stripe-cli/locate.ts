/**
 * Finds a working Stripe CLI, in a fixed order: --stripe-bin, STRIPE_HOOKS_STRIPE_BIN,
 * `stripe` on PATH, the project's node_modules (walking up from cwd, never above the
 * project root: project-root.ts), then our cache. Each candidate must answer `stripe version` (for requireStripeCli, an
 * earlier answer of the very same file will do: probe-cache.ts; listen and trigger-flow start the first candidate
 * while it is proven: while-proving.ts). A binary the user named
 * explicitly is final: when broken it is reported, never silently replaced.
 * Broken ones found on the way are skipped and reported alongside the result.
 */
import { stat } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { Environment } from '../lib/environment.js';
import { CLI_NAMES, type OptionNames } from '../lib/option-name.js';
import { cacheRoot, cachedBinary, cachedVersions } from '../installer/cache.js';
import { binaryName, currentPlatform, DEFAULT_CLI_VERSION, npmPackage, type Platform } from '../installer/platform.js';
import { checkBinaryCached } from './probe-cache.js';
import { projectRoot, upTo } from './project-root.js';
import { checkBinary, type BinaryCheck, type BinaryProblem, type CheckOptions } from './version.js';
import { brokenCliError, describeBroken } from './broken.js';
import { plural } from '../lib/plural.js';

/** The option that named the binary (`--stripe-bin`, the library's `stripeBin`), its variable, or where it was found. */
export type CliSource = '--stripe-bin' | 'stripeBin' | 'STRIPE_HOOKS_STRIPE_BIN' | 'PATH' | 'node_modules' | 'cache';

export interface Candidate {
  path: string;
  source: CliSource;
}

export interface FoundCli extends Candidate {
  version: string;
}

export interface BrokenCli extends Candidate {
  problem: BinaryProblem;
  detail: string;
}

export interface LocateResult {
  found?: FoundCli;
  /** Candidates that exist but do not work, in the order they were tried. */
  broken: BrokenCli[];
  /** The binary was named explicitly (flag or env): nothing else was tried. */
  explicit: boolean;
}

/** How a candidate is proven to be a working Stripe CLI. */
export type Prove = (path: string, options: CheckOptions) => Promise<BinaryCheck>;

export interface LocateInput {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --stripe-bin, or STRIPE_HOOKS_STRIPE_BIN as commander maps it. */
  stripeBin?: string;
  /** Cache version to prefer (then the newest cached). */
  preferredVersion?: string;
  platform?: Platform;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Default: run `version` every time (what `setup` wants). */
  prove?: Prove;
  /** How messages name the options; absent: the CLI's flags. */
  names?: OptionNames;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Where the npm packages keep the real binary (not the `node_modules/.bin` Node shim). */
function nodeModulesPaths(dir: string, platform: Platform): string[] {
  const bin = binaryName(platform);
  const platformPackage = join(...npmPackage(platform).split('/'));
  const modules = join(dir, 'node_modules');
  return [
    join(modules, platformPackage, 'bin', bin),
    join(modules, '@stripe', 'cli', 'node_modules', platformPackage, 'bin', bin), // not hoisted
    join(modules, '@stripe', 'cli', 'vendor', 'bin', bin), // the wrapper's postinstall fallback
  ];
}

/**
 * `npm run` and `npx` put the `node_modules/.bin` of every directory above cwd on PATH, up
 * to `/`: those of directories above the project root are as foreign as their node_modules.
 */
function binDirsAbove(root: string): Set<string> {
  const above = new Set<string>();
  for (let dir = root; dirname(dir) !== dir; ) {
    dir = dirname(dir);
    above.add(join(dir, 'node_modules', '.bin'));
  }
  return above;
}

/** Implicit candidates in order; each yielded only when a file is there. */
async function* implicitCandidates(input: LocateInput, platform: Platform): AsyncGenerator<Candidate> {
  const bin = binaryName(platform);
  const root = await projectRoot(input.cwd);
  const foreign = binDirsAbove(root);
  for (const dir of (input.env.PATH ?? '').split(delimiter)) {
    if (dir && !foreign.has(resolve(input.cwd, dir)) && (await isFile(join(dir, bin)))) yield { path: join(dir, bin), source: 'PATH' };
  }
  for (const dir of upTo(input.cwd, root)) {
    for (const path of nodeModulesPaths(dir, platform)) if (await isFile(path)) yield { path, source: 'node_modules' };
  }
  const cache = cacheRoot(input.env);
  for (const version of await cachedVersions(cache, input.preferredVersion ?? DEFAULT_CLI_VERSION)) {
    const path = cachedBinary(cache, version, platform);
    if (await isFile(path)) yield { path, source: 'cache' };
  }
}

/** Which of the two ways of naming a binary was used (commander folds the env var into the option). */
function explicitCandidate(input: Pick<LocateInput, 'cwd' | 'env' | 'stripeBin' | 'names'>): Candidate | undefined {
  if (!input.stripeBin) return undefined;
  const option = (input.names ?? CLI_NAMES).stripeBin.name as '--stripe-bin' | 'stripeBin';
  const source = input.env.STRIPE_HOOKS_STRIPE_BIN === input.stripeBin ? 'STRIPE_HOOKS_STRIPE_BIN' : option;
  return { path: resolve(input.cwd, input.stripeBin), source };
}

/** `stripe version`, every time (what `setup` wants). */
const proveForReal: Prove = checkBinary;

export function binaryCheckOptions(input: LocateInput, platform: Platform): CheckOptions {
  return { env: input.env, cwd: input.cwd, platform, signal: input.signal, timeoutMs: input.timeoutMs };
}

/** The candidate tried first: the one named, else the first implicit one that exists. */
export async function firstCandidate(input: LocateInput, platform: Platform): Promise<Candidate | undefined> {
  const explicit = explicitCandidate(input);
  if (explicit) return explicit;
  for await (const candidate of implicitCandidates(input, platform)) return candidate;
  return undefined;
}

/** Every candidate in order until one works: the one found, and the broken ones tried before it. */
export async function findStripeCli(input: LocateInput): Promise<LocateResult> {
  const platform = input.platform ?? currentPlatform();
  const prove = input.prove ?? proveForReal;
  const check = (candidate: Candidate) => prove(candidate.path, binaryCheckOptions(input, platform));

  const explicit = explicitCandidate(input);
  if (explicit) {
    const result = await check(explicit);
    if (result.ok) return { found: { ...explicit, version: result.version }, broken: [], explicit: true };
    return { broken: [{ ...explicit, problem: result.problem, detail: result.detail }], explicit: true };
  }
  const broken: BrokenCli[] = [];
  const seen = new Set<string>();
  for await (const candidate of implicitCandidates(input, platform)) {
    if (seen.has(candidate.path)) continue;
    seen.add(candidate.path);
    const result = await check(candidate);
    if (result.ok) return { found: { ...candidate, version: result.version }, broken, explicit: false };
    broken.push({ ...candidate, problem: result.problem, detail: result.detail });
  }
  return { broken, explicit: false };
}

export function locateInput(environment: Environment, preferredVersion?: string): LocateInput {
  const { cwd, env, stripeBin, signal, names } = environment;
  return { cwd, env, stripeBin, preferredVersion, signal, names };
}

/** A working Stripe CLI, and warnings about the broken ones skipped on the way (for the command to show). */
export interface RequiredCli extends FoundCli {
  warnings: string[];
}

/**
 * For commands that need the Stripe CLI (listen, trigger-flow): locate it, never
 * install. A binary proven before (the very same file) is not run again: see probe-cache.ts.
 */
export async function requireStripeCli(environment: Environment, prove: Prove = checkBinaryCached): Promise<RequiredCli> {
  const result = await findStripeCli({ ...locateInput(environment), prove });
  if (result.found) return { ...result.found, warnings: result.broken.map((broken) => `skipped ${describeBroken(broken)}`) };
  if (result.explicit) throw brokenCliError(result.broken[0]!);
  const also = result.broken.length ? ` (${plural(result.broken.length, 'broken one')} skipped: ${result.broken.map(describeBroken).join('; ')})` : '';
  throw new EnvironmentError(`Stripe CLI not found${also}`, {
    hint: `run \`stripe-hooks setup\` to install it, or pass ${environment.names.stripeBin.name}`,
  });
}

