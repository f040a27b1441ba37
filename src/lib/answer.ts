/** A non-2xx answer from the app in one line, with the start of its body: for reports, offline and live alike. */
export function answeredError(status: number, body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  const detail = text.length > 120 ? `${text.slice(0, 119)}…` : text;
  return `the app answered ${status}${detail ? `: ${detail}` : ''}`;
}
