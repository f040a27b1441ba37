/**
 * Child processes on node:child_process directly, for the paths every run of
 * `listen` and `trigger-flow` takes (execa loads ~200 modules, ~100 ms of a
 * run). Only what those paths need: a clean environment, no stdin, a timeout and
 * an abort that stop the child with SIGTERM then SIGKILL after a grace period,
 * capped output, and no orphan if we exit first. Nothing here rejects for a child
 * that was asked to run: the outcome says how it ended.
 */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Readable } from 'node:stream';

export interface ChildOptions {
  /** The child's whole environment (nothing of ours is added). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** How long a stopped child gets between SIGTERM and SIGKILL. */
  graceMs: number;
  /** A nice value (19 = only when nothing else wants the CPU), for work off the critical path. */
  priority?: number;
}

export interface ChildExit {
  /** Undefined when a signal ended it. */
  code?: number;
  signal?: NodeJS.Signals;
}

export interface RunningChild {
  pid: number;
  stdout: Readable;
  stderr: Readable;
  /** Resolves once the child is gone and its output read; never rejects. */
  exited: Promise<ChildExit>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the child is gone. */
  stop(): Promise<ChildExit>;
}

/** Why a child could not be started: the system's error code (ENOENT, EACCES, …). */
export interface StartFailure {
  failed: string;
}

/** Starts `bin`; resolves once it runs, or with why it could not start. */
export function startChild(bin: string, args: readonly string[], options: ChildOptions): Promise<RunningChild | StartFailure> {
  const child = spawn(bin, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  // If we exit first (a second Ctrl+C, a crash), the child is signalled too.
  const orphaned = () => void child.kill('SIGTERM');
  let forceKill: NodeJS.Timeout | undefined;
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('close', (code, signal) => {
      process.off('exit', orphaned);
      clearTimeout(forceKill);
      resolve({ code: code ?? undefined, signal: signal ?? undefined });
    }),
  );
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null && !forceKill) {
      child.kill('SIGTERM');
      forceKill = setTimeout(() => child.kill('SIGKILL'), options.graceMs);
    }
    return exited;
  };
  return new Promise((resolve) => {
    child.once('spawn', () => {
      process.on('exit', orphaned);
      if (options.priority !== undefined) {
        try {
          setPriority(child.pid!, options.priority);
        } catch {
          // not allowed here (or gone already): it runs at the normal priority
        }
      }
      resolve({ pid: child.pid!, stdout: child.stdout, stderr: child.stderr, exited, stop });
    });
    // Before 'spawn' this is a failure to start; later ones (a failed kill) change nothing.
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) resolve({ failed: error.code ?? 'unknown error' });
    });
  });
}

export interface ChildRunOptions extends ChildOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Per stream; a child that writes more is stopped. */
  maxBuffer: number;
}

export interface ChildRunResult extends ChildExit {
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Stopped because `signal` was aborted. */
  canceled: boolean;
  /** Set when it could not be started. */
  failed?: string;
}

/** Runs `bin` to completion, collecting its output as text. */
export async function runChild(bin: string, args: readonly string[], options: ChildRunOptions): Promise<ChildRunResult> {
  const result: ChildRunResult = { stdout: '', stderr: '', timedOut: false, canceled: false };
  if (options.signal?.aborted) return { ...result, canceled: true };
  const child = await startChild(bin, args, options);
  if ('failed' in child) return { ...result, failed: child.failed };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8').on('data', (chunk: string) => {
      if (result[stream].length + chunk.length > options.maxBuffer) void child.stop();
      else result[stream] += chunk;
    });
  }
  const timer = setTimeout(() => {
    result.timedOut = true;
    void child.stop();
  }, options.timeoutMs);
  const onAbort = () => {
    result.canceled = true;
    void child.stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort(); // aborted while it was starting
  const exit = await child.exited;
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  return { ...result, ...exit };
}
