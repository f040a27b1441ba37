import { describe, expect, it } from 'vitest';
import { Recorder } from '../support/recorder.js';

describe('Recorder', () => {
  it('resolves with a past match at once and with a future match when it arrives', async () => {
    const log = new Recorder<number>();
    log.push(1);
    expect(await log.waitFor((n) => n === 1, 'one')).toBe(1);
    const later = log.waitFor((n) => n > 5, 'a big number');
    log.push(3);
    log.push(7);
    expect(await later).toBe(7);
  });

  it('rejects with what it saw on timeout, and at once on abort', async () => {
    const log = new Recorder<string>((s) => s.toUpperCase());
    log.push('a');
    await expect(log.waitFor((s) => s === 'z', 'z', 20)).rejects.toThrow('timed out after 20 ms waiting for z; recorded so far: A');
    const stop = new AbortController();
    const waiting = log.waitFor((s) => s === 'z', 'z', 60_000, stop.signal);
    stop.abort();
    await expect(waiting).rejects.toThrow('stopped waiting for z');
  });
});
