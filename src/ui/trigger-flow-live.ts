/** The live `trigger-flow`'s progress: one spinner per step on a terminal (stderr); nothing otherwise. */
import type { FlowProgress } from '../run/live-runner.js';
import type { Output, Spinner } from './output.js';

export interface StepSpinners {
  update: (progress: FlowProgress) => void;
  done: () => Promise<void>;
}

export function stepSpinners(out: Output, total: number): StepSpinners {
  let current: Promise<Spinner> | undefined;
  const on = (act: (spinner: Spinner) => void) => void current?.then(act);
  const label = (progress: Extract<FlowProgress, { step: unknown }>) => `step ${progress.step.index + 1}/${total} ${progress.step.step.event}`;
  return {
    update: (progress) => {
      if (!out.interactive) return;
      switch (progress.kind) {
        case 'listening':
          current = out.spinner('Starting stripe listen…');
          return;
        case 'ready':
          return on((spinner) => spinner.stop());
        case 'step-start':
          current = out.spinner(`${label(progress)} — ${progress.step.trigger ? `stripe trigger ${progress.step.trigger}` : 'waiting for it'}`);
          return;
        case 'step-triggered':
          return on((spinner) => spinner.update(`${label(progress)} — waiting for the delivery`));
        case 'step-end': {
          const { result } = progress;
          const text = `${label(progress)} ${result.status ?? ''} ${result.ms} ms${result.error ? ` — ${result.error}` : ''}`;
          return on((spinner) => (result.ok ? spinner.succeed(text) : spinner.fail(text)));
        }
      }
    },
    done: async () => {
      (await current)?.stop();
    },
  };
}
