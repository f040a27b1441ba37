/** The library's replay: a recording re-signed and re-sent, over the core `stripe-hooks replay` runs. */
import { readRecording } from '../record/read.js';
import { offlineSettings } from '../run/offline-settings.js';
import { reportJson, type FlowReport } from '../run/report.js';
import { parseOnly, runReplay, selectEvents } from '../run/replay.js';
import { checkSeed, checkTimeout, interruptible, requireSecret } from './common.js';
import type { ReplayOptions } from './options.js';

export function replay(options: ReplayOptions): Promise<FlowReport> {
  return interruptible(options.signal, async () => {
    const seed = checkSeed(options.seed);
    const settings = offlineSettings({ forwardTo: options.forwardTo, seed });
    const secret = requireSecret(options.secret);
    const only = options.only === undefined ? undefined : parseOnly(options.only.join(','));
    const recording = await readRecording(options.file, process.cwd());
    const entries = selectEvents(recording, { only, since: options.since });
    const shuffle = Boolean(options.shuffle);
    const report = await runReplay({
      url: settings.url,
      secret,
      seed: settings.seed,
      recording,
      entries,
      duplicate: Boolean(options.duplicate),
      shuffle,
      continueOnError: Boolean(options.continueOnError),
      timeoutMs: checkTimeout(options.timeoutMs),
      signal: options.signal,
    });
    // As the CLI: the seed is stated only when it chose an order.
    return reportJson(report, shuffle ? settings.seed : undefined);
  });
}
