/**
 * The `--json` documents of register-endpoint and `endpoints list|delete`, which
 * are also what the library's registerEndpoint, listEndpoints and deleteEndpoint
 * resolve with: one type each, made here for both.
 */
import type { RegisterResult } from './stripe-calls.js';
/** The endpoint as --json shows it. */
export interface EndpointView {
  id: string | null;
  url: string;
  enabled_events: string[];
  api_version: string | null;
  status: string;
  description: string | null;
  metadata: Record<string, string>;
}

export interface RegisterReport {
  action: RegisterResult['action'];
  /** The endpoint as it is now (or would be, on a dry run); `id` is null for one a dry run would create. */
  endpoint: EndpointView;
  /** The signing secret: Stripe returns it only when the endpoint is created. */
  secret?: string;
  dry_run?: true;
}

export interface EndpointsReport {
  endpoints: (EndpointView & { id: string })[];
}

export interface DeleteReport {
  action: 'deleted';
  endpoint: EndpointView & { id: string };
}

export function registerReport(result: RegisterResult): RegisterReport {
  return {
    action: result.action,
    endpoint: result.endpoint,
    ...(result.secret && { secret: result.secret }),
    ...(result.dryRun && { dry_run: true }),
  };
}

export const endpointsReport = (endpoints: (EndpointView & { id: string })[]): EndpointsReport => ({ endpoints });

export const deleteReport = (endpoint: EndpointView & { id: string }): DeleteReport => ({ action: 'deleted', endpoint });
