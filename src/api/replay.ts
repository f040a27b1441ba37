/** The library's replay: a recording re-signed and re-sent, over the core `stripe-hooks replay` runs. */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { LIBRARY_NAMES, option } from '../lib/option-name.js';
import { withRecording } from '../record/policy.js';
import { readRecording } from '../record/read.js';
import { offlineSettings } from '../run/offline-settings.js';
import { reportJson, type FlowReport } from '../run/report.js';
import { runReplay, selectEvents } from '../run/replay.js';
import { interruptible, libraryRecording, requireSecret, thinSecretOf } from './common.js';
import type { ReplayOptions } from './options.js';
import { checkOptions } from './check.js';
import { RULES } from './rules.js';

export function replay(options: ReplayOptions): Promise<FlowReport> {
  checkOptions('replay', options, RULES.replay);
  return interruptible(options.signal, async () => {
    const settings = offlineSettings({ forwardTo: options.url, thinTo: options.thinUrl, seed: options.seed });
    const secret = requireSecret(options.secret);
    const thinSecret = thinSecretOf(options);
    const recording = await readRecording(options.file, process.cwd());
    const entries = selectEvents(recording, { only: options.only, since: options.since }, { only: option('only'), since: option('since') });
    const shuffle = Boolean(options.shuffle);
    if (options.record !== undefined && resolve(options.record) === recording.path) {
      throw new UsageError(`${LIBRARY_NAMES.record.given(options.record)} is the recording being replayed`, { hint: `name another file, e.g. ${LIBRARY_NAMES.record.example('again.ndjson')}` });
    }
    const recorded = libraryRecording(options.record, { live: options.live, secret, thinSecret });
    const report = await withRecording(recorded, (record) => runReplay({
      url: settings.url,
      thinUrl: settings.thinUrl,
      secret,
      thinSecret,
      record,
      seed: settings.seed,
      recording,
      entries,
      duplicate: Boolean(options.duplicate),
      shuffle,
      continueOnError: Boolean(options.continueOnError),
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    }));
    // As the CLI: the seed is stated only when it chose an order.
    return reportJson({ ...report, ...(recorded && { record: recorded.recorder.summary() }) }, shuffle ? settings.seed : undefined);
  });
}
