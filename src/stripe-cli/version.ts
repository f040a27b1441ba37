/**
 * Proves a file is a working Stripe CLI by running `<bin> version`, and sorts
 * every way it can fail into a few problems a user can act on. The child gets a
 * throw-away HOME: the CLI writes its config file on every run, and merely
 * checking must not create the user's ~/.config/stripe/config.toml.
 */
import { constants } from 'node:fs';
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild } from '../lib/child-process.js';
import { redact } from '../lib/redact.js';
import { currentPlatform, executableFormat, platformMismatch, readHead, type Platform } from '../installer/platform.js';
import { stripeEnv } from './spawn.js';

export type BinaryProblem = 'missing' | 'not-executable' | 'wrong-platform' | 'fails';

export type BinaryCheck =
  | { ok: true; path: string; version: string }
  | { ok: false; path: string; problem: BinaryProblem; detail: string };

export interface CheckOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  platform?: Platform;
  /** A nice value for the `version` child: a proof running beside the CLI it proves must not slow it down. */
  priority?: number;
}

const VERSION_LINE = /^stripe version v?(\d+\.\d+\.\d+\S*)/m;

const DEFAULT_VERSION_TIMEOUT_MS = 15_000;

function problem(path: string, kind: BinaryProblem, detail: string): BinaryCheck {
  return { ok: false, path, problem: kind, detail };
}

/** Everything that can be known without running the file. */
async function inspect(path: string, platform: Platform): Promise<BinaryCheck | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return problem(path, 'missing', 'does not exist');
  if (info.isDirectory()) return problem(path, 'not-executable', 'is a directory');
  if (!info.isFile()) return problem(path, 'not-executable', 'is not a regular file');
  if (platform.os !== 'win32') {
    const executable = await access(path, constants.X_OK).then(() => true, () => false);
    if (!executable) return problem(path, 'not-executable', 'is not executable');
  }
  const head = await readHead(path).catch(() => undefined);
  if (!head) return problem(path, 'not-executable', 'cannot be read');
  const mismatch = platformMismatch(executableFormat(head), platform);
  if (mismatch) return problem(path, 'wrong-platform', `cannot run on this machine: ${mismatch}`);
  return undefined;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((candidate) => candidate.trim() !== '')?.trim() ?? '';
  return redact(line.length > 160 ? line.slice(0, 159) + '…' : line);
}

/** Runs `<path> version` and says whether it is a working Stripe CLI, and which version. */
export async function checkBinary(path: string, options: CheckOptions): Promise<BinaryCheck> {
  const platform = options.platform ?? currentPlatform();
  const early = await inspect(path, platform);
  if (early) return early;

  const timeoutMs = options.timeoutMs ?? DEFAULT_VERSION_TIMEOUT_MS;
  const home = await mkdtemp(join(tmpdir(), 'stripe-hooks-version-'));
  try {
    const env = { ...stripeEnv({ env: options.env }), HOME: home, USERPROFILE: home, XDG_CONFIG_HOME: join(home, '.config') };
    const result = await runChild(path, ['version'], {
      env,
      cwd: options.cwd,
      timeoutMs,
      signal: options.signal,
      graceMs: 1000,
      maxBuffer: 1_000_000,
      priority: options.priority,
    });
    if (result.canceled && options.signal?.aborted) throw options.signal.reason;
    const startError = result.failed;
    if (startError === 'ENOEXEC' || /exec format error/i.test(result.stderr)) {
      return problem(path, 'wrong-platform', 'cannot run on this machine: exec format error');
    }
    if (startError === 'EACCES') return problem(path, 'not-executable', 'is not executable');
    if (result.timedOut) return problem(path, 'fails', `did not answer \`version\` within ${Number((timeoutMs / 1000).toFixed(1))} s`);
    if (result.code === undefined) {
      if (result.signal) return problem(path, 'fails', `was killed by ${result.signal}`);
      // The file exists, so ENOENT means what it names to run it (a script's interpreter, a loader) does not.
      return problem(path, 'fails', startError === 'ENOENT' ? 'could not be started: its interpreter or loader is missing' : `could not be started (${startError ?? 'unknown error'})`);
    }
    if (result.code !== 0) {
      const said = firstLine(result.stderr || result.stdout);
      return problem(path, 'fails', `\`version\` exited with code ${result.code}${said ? `: ${said}` : ''}`);
    }
    const match = VERSION_LINE.exec(result.stdout);
    if (!match) return problem(path, 'fails', 'does not answer `version` like the Stripe CLI ("stripe version X.Y.Z")');
    return { ok: true, path, version: match[1]! };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
