/** `endpoints list|delete` output: the endpoint table and the one-line result, or their JSON. */
import { countEvents } from '../endpoints/plan.js';
import type { EndpointView } from '../endpoints/reports.js';
import { deleteReport, endpointsReport } from '../endpoints/reports.js';
import type { Output } from './output.js';
import { table } from './table.js';

export function renderEndpointList(out: Output, endpoints: readonly (EndpointView & { id: string })[]): void {
  if (out.json) return out.data(endpointsReport([...endpoints]));
  if (endpoints.length === 0) return out.note('no webhook endpoints');
  const rows = endpoints.map((endpoint) => [
    endpoint.id,
    endpoint.url,
    endpoint.status,
    countEvents(endpoint.enabled_events),
    endpoint.api_version ?? "account's default",
  ]);
  out.line(table(['ID', 'URL', 'STATUS', 'EVENTS', 'API VERSION'], rows));
}

export function renderDeleted(out: Output, endpoint: EndpointView & { id: string }): void {
  if (out.json) return out.data(deleteReport(endpoint));
  out.line(`deleted  ${endpoint.id}  ${endpoint.url}`);
}
