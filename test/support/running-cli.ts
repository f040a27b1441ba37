/**
 * The built CLI as a long-running child (`listen`, a flow that gets Ctrl+C): its
 * output lines can be awaited as they arrive, it can be signalled, and the
 * processes it started can be checked for being gone.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Recorder } from './recorder.js';
import { runCli, type Sandbox } from './cli.js';

export interface RunningCli {
  child: ReturnType<typeof runCli>;
  stdout: string[];
  stderr: string[];
  /** The first line (past or future) on `stream` matching `pattern`; fails fast if the CLI exits first. */
  waitForLine(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<string>;
}

export function startCli(args: string[], options: { box?: Sandbox; env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const child = runCli(args, options);
  const lines = { stdout: new Recorder<string>((l) => l), stderr: new Recorder<string>((l) => l) };
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream]! }).on('line', (line) => lines[stream].push(line));
  }
  return {
    child,
    stdout: lines.stdout.items,
    stderr: lines.stderr.items,
    waitForLine(pattern, stream = 'stdout', timeoutMs) {
      return Promise.race([
        lines[stream].waitFor((line) => pattern.test(line), `${stream} line ${pattern}`, timeoutMs),
        child.then((result) => {
          const seen = lines[stream].find((line) => pattern.test(line));
          if (seen !== undefined) return seen;
          throw new Error(`the CLI exited with ${result.exitCode} before printing ${pattern}; stderr: ${result.stderr}`);
        }),
      ]);
    },
  };
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
