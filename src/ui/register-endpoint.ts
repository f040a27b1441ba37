/** `register-endpoint` output: what was done (or would be), the endpoint's fields, the secret's fate; or the JSON. */
import type { RegisterResult } from '../endpoints/stripe-calls.js';
import { countEvents } from '../endpoints/plan.js';
import { registerReport } from '../endpoints/reports.js';
import type { Output } from './output.js';

/** What register-endpoint did (or would do); `savedTo` says where the new secret was written. */
export function renderRegistration(out: Output, result: RegisterResult, savedTo: string | undefined): void {
  if (out.json) return out.data(registerReport(result));
  const { endpoint } = result;
  const verb = result.dryRun && result.action !== 'unchanged' ? `would be ${result.action}` : result.action;
  out.line(`${verb}  ${endpoint.id ?? '(new endpoint)'}  ${endpoint.url}`);
  const field = (label: string, value: string) => out.line(`  ${label.padEnd(16)}${value}`);
  if (result.action === 'created') {
    field('events', countEvents(endpoint.enabled_events));
    field('api version', endpoint.api_version ?? "account's default");
    field('status', endpoint.status);
  }
  for (const change of result.changes) out.line(`  ${change}`);
  if (result.secret) field('signing secret', savedTo ? `written to ${savedTo}` : result.secret);
  if (result.dryRun) out.note('dry run: nothing was written');
}
