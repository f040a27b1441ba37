/** A non-2xx answer from the app in one line, with the start of its body: for reports, offline and live alike. */
export function answeredError(status: number, body: string): string {
  const detail = oneLine(body, 120);
  return `the app answered ${status}${detail ? `: ${detail}` : ''}`;
}

/** Text from the app as one line of at most `max` characters. Its bytes reach a terminal: control characters (escape sequences) are shown as spaces, like whitespace. */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A 2xx status: the only answer Stripe counts as delivered. */
export const is2xx = (status: number | null): boolean => status !== null && status >= 200 && status < 300;
