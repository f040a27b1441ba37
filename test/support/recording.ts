/**
 * A recording (`--record FILE`) as the e2e tests read it: every line parsed, so a torn or malformed line fails
 * the test. `cutLast`: a last line without its newline (a kill -9 during its write) is left out instead.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseRecordingLine, type RecordedEvent } from '../../src/record/format.js';

export function readRecording(path: string, options: { cutLast?: boolean } = {}): RecordedEvent[] {
  const text = readFileSync(path, 'utf8');
  if (!options.cutLast) expect(text === '' || text.endsWith('\n'), `${path} ends in a whole line`).toBe(true);
  return text
    .split('\n')
    .slice(0, -1)
    .map((line, i) => {
      try {
        return parseRecordingLine(line);
      } catch (error) {
        throw new Error(`${path}:${i + 1}: ${(error as Error).message}`, { cause: error });
      }
    });
}
