import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonSafe, shown, terminalSafe } from '../../src/lib/sanitize.js';
import { Output } from '../../src/ui/output.js';
import { ALL_HOSTILE, HOSTILE, RAW_CONTROL } from '../support/hostile-terminal.js';

describe('shown', () => {
  it('makes every control character visible, on one line, cut at max', () => {
    expect(shown(`invoice.paid${HOSTILE.clear}`)).toBe('invoice.paid\\x1b[2J');
    expect(shown(HOSTILE.c1csi)).toBe('\\x9b31m');
    expect(shown(`a${HOSTILE.bidi}b\u2066c\u007f`)).toBe('a\\u202eb\\u2066c\\x7f');
    expect(shown(`x${HOSTILE.ciCommand}`)).toBe('x ::error::owned'); // a CI runner reads commands only at a line's start
    expect(shown('a\tb\r\n c')).toBe('a b c');
    expect(shown('abcdef', 4)).toBe('abc…');
    expect(shown(ALL_HOSTILE)).not.toMatch(RAW_CONTROL);
  });
});

describe('the last guard', () => {
  it('keeps line breaks, tabs and (with colour) SGR colours; shows everything else', () => {
    expect(terminalSafe(`a\n\tb${HOSTILE.title}`, false)).toBe('a\n\tb\\x1b]0;title\\x07');
    expect(terminalSafe('\u001b[31mred\u001b[39m', true)).toBe('\u001b[31mred\u001b[39m');
    expect(terminalSafe('\u001b[31mred\u001b[39m', false)).toBe('\\x1b[31mred\\x1b[39m');
    expect(terminalSafe(`${HOSTILE.clear}${HOSTILE.c1csi}${HOSTILE.hyperlink}`, true)).not.toMatch(RAW_CONTROL);
  });

  it('JSON keeps its value and loses the raw C1 and bidi characters JSON.stringify leaves in', () => {
    const value = { type: ALL_HOSTILE };
    const json = jsonSafe(JSON.stringify(value));
    expect(JSON.stringify(value)).toMatch(RAW_CONTROL); // why jsonSafe exists
    expect(json).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('every Output method writes no raw control character, with colour and without', () => {
    for (const color of [false, true]) {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let written = '';
      for (const stream of [stdout, stderr]) stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
      const out = new Output({ json: false, color, verbose: true, stdout, stderr });
      out.line(`${out.c.green('ok')} ${ALL_HOSTILE}`);
      out.note(ALL_HOSTILE);
      out.warn(ALL_HOSTILE);
      out.debug(ALL_HOSTILE);
      out.error({ message: ALL_HOSTILE, hint: ALL_HOSTILE, exitCode: 2, code: 'ERR_STRIPE_HOOKS_USAGE' });
      new Output({ json: true, color, verbose: false, stdout, stderr }).data({ type: ALL_HOSTILE });
      const withoutColours = color ? written.replace(/\u001b\[\d+m/g, '') : written; // eslint-disable-line no-control-regex -- chalk's own
      expect(withoutColours).not.toMatch(RAW_CONTROL);
      if (color) expect(written).toContain('\u001b[32mok\u001b[39m');
    }
  });
});
