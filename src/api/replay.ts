/** The library's replay: a recording re-signed and re-sent, over the core `stripe-hooks replay` runs. */
import { option } from '../lib/option-name.js';
import { readRecording } from '../record/read.js';
import { offlineSettings } from '../run/offline-settings.js';
import { reportJson, type FlowReport } from '../run/report.js';
import { runReplay, selectEvents } from '../run/replay.js';
import { interruptible, requireSecret } from './common.js';
import type { ReplayOptions } from './options.js';
import { checkOptions } from './check.js';
import { RULES } from './rules.js';

export function replay(options: ReplayOptions): Promise<FlowReport> {
  checkOptions('replay', options, RULES.replay);
  return interruptible(options.signal, async () => {
    const settings = offlineSettings({ forwardTo: options.url, seed: options.seed });
    const secret = requireSecret(options.secret);
    const recording = await readRecording(options.file, process.cwd());
    const entries = selectEvents(recording, { only: options.only, since: options.since }, { only: option('only'), since: option('since') });
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
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    // As the CLI: the seed is stated only when it chose an order.
    return reportJson(report, shuffle ? settings.seed : undefined);
  });
}
