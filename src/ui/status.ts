/** The app's HTTP status, coloured: green 2xx, yellow 3xx, red otherwise. One colourer for every report. */
import type { ChalkInstance } from 'chalk';

export function statusText(c: ChalkInstance, status: number): string {
  return (status < 300 ? c.green : status < 400 ? c.yellow : c.red)(String(status));
}
