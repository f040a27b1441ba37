/**
 * A child process's output as awaitable lines: `waitForLine(/Ready!/, 'stderr')` resolves on the
 * first matching line, past or future, and fails fast (not at the timeout) if the child exits first.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Recorder } from './recorder.js';

export interface LineWatcher {
  /** Output lines so far, per stream. */
  stdout: string[];
  stderr: string[];
  waitForLine(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<string>;
}

export function watchLines(
  child: { stdout: Readable | null; stderr: Readable | null },
  exited: Promise<number | undefined>,
  name: string,
): LineWatcher {
  const lines = { stdout: new Recorder<string>((l) => l), stderr: new Recorder<string>((l) => l) };
  for (const stream of ['stdout', 'stderr'] as const) {
    const input = child[stream];
    if (input) createInterface({ input }).on('line', (line) => lines[stream].push(line));
  }
  return {
    stdout: lines.stdout.items,
    stderr: lines.stderr.items,
    waitForLine(pattern, stream = 'stdout', timeoutMs) {
      const done = new AbortController();
      return Promise.race([
        lines[stream].waitFor((line) => pattern.test(line), `${stream} line ${pattern}`, timeoutMs, done.signal),
        exited.then((code) => {
          const seen = lines[stream].find((line) => pattern.test(line));
          if (seen !== undefined) return seen;
          throw new Error(`${name} exited with ${code} before printing ${pattern}; stderr: ${lines.stderr.items.join(' | ')}`);
        }),
      ]).finally(() => done.abort());
    },
  };
}
