/** A recording (`--record FILE`) as the e2e tests read it: every line parsed, so a torn or malformed line fails the test. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseRecordingLine, type RecordedEvent } from '../../src/record/format.js';

export function readRecording(path: string): RecordedEvent[] {
  const text = readFileSync(path, 'utf8');
  expect(text === '' || text.endsWith('\n'), `${path} ends in a whole line`).toBe(true);
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
