// CSI sequences (colours, cursor moves, erase line) and OSC sequences (hyperlinks), ended by BEL or ESC \.
// eslint-disable-next-line no-control-regex -- escape characters are what this matches
export const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** The text without terminal escapes: what a terminal shows of it, line redraws aside. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
