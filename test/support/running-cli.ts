/**
 * The built CLI as a long-running child (`listen`, a flow that gets Ctrl+C): its
 * output lines can be awaited as they arrive, it can be signalled, and the
 * processes it started can be checked for being gone.
 */
import { readFileSync } from 'node:fs';
import { runCli, type Sandbox } from './cli.js';
import { watchLines, type LineWatcher } from './lines.js';

export interface RunningCli extends LineWatcher {
  child: ReturnType<typeof runCli>;
}

export function startCli(args: string[], options: { box?: Sandbox; env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const child = runCli(args, options);
  return { child, ...watchLines(child, child.then((result) => result.exitCode), 'stripe-hooks') };
}

/** Whether a process exists and is not a zombie (a container's init may never reap one). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The pids of a process's live children, from /proc. */
export function childPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text ? text.split(/\s+/).map(Number).filter(isRunning) : [];
  } catch {
    return [];
  }
}

/** A process's argv from /proc (empty once it is gone). */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}
