import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/ui/output.js';

/** A stand-in for a terminal on stderr: a TTY of the given width that records what is drawn. */
function terminal(columns: number | undefined) {
  const written: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    }),
    { isTTY: true, columns },
  );
  return { stream, written };
}

describe('Output spinner', () => {
  it('draws on a terminal with a width', async () => {
    const { stream, written } = terminal(80);
    const spinner = await new Output({ json: false, color: false, verbose: false, stderr: stream }).spinner('Connecting to Stripe…');
    spinner.stop();
    expect(written.join('')).toContain('Connecting to Stripe…');
  });

  it('stays silent on a terminal 0 columns wide (ora would loop forever there)', async () => {
    const { stream, written } = terminal(0);
    const out = new Output({ json: false, color: false, verbose: false, stderr: stream });
    expect(out.interactive).toBe(false);
    const spinner = await out.spinner('Connecting to Stripe…');
    spinner.update('still connecting');
    spinner.stop();
    expect(written).toEqual([]);
  });
});
