/** Plain-text table with columns sized to their widest cell (ANSI colour codes don't count). */
import { stripAnsi } from '../lib/ansi.js';

const visibleLength = (text: string): number => stripAnsi(text).length;

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(visibleLength(cell), ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const render = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)].join('\n');
}
