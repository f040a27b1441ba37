/** A non-2xx answer from the app in one line, with the start of its body: for reports, offline and live alike. */
export function answeredError(status: number, body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  const detail = text.length > 120 ? `${text.slice(0, 119)}…` : text;
  return `the app answered ${status}${detail ? `: ${detail}` : ''}`;
}

/** A 2xx status: the only answer Stripe counts as delivered. */
export const is2xx = (status: number | null): boolean => status !== null && status >= 200 && status < 300;
