/**
 * `trigger-flow <flow> --offline`: validate every option (exit 2 before anything is
 * sent), settle the signing secret, then plan (--dry-run) or run the flow and, with
 * --audit, the handler audit; render both. Exit 1 when a step or check failed.
 */
import type { Context } from '../context.js';
import { FailedError, UsageError } from '../errors.js';
import { reportJson, SKIPPED, type FlowReport } from '../run/report.js';
import type { Flow } from '../flows/types.js';
import { parseApiVersion, SDK_API_VERSION } from '../lib/api-version.js';
import { auditHandler, type AuditReport } from '../offline/audit.js';
import { DELIVERY_TIMEOUT_MS } from '../offline/deliver.js';
import { randomSeed } from '../offline/random.js';
import { deliveryOrder, plannedDeliveries, runOfflineFlow } from '../run/offline-runner.js';
import { generateSecret, givenSecret, SECRET_ENV, type SecretChoice, type SecretSources } from '../offline/secret.js';
import { objectId, synthesizeFlow } from '../offline/synthesize.js';
import { parseSeconds } from '../lib/option-values.js';
import { parseForwardUrl } from '../stripe-cli/listen.js';
import { renderAuditReport } from '../ui/audit-report.js';
import { renderFlowReport } from '../ui/flow-report.js';
import type { Spinner } from '../ui/output.js';
import { table } from '../ui/table.js';

interface OfflineOptions {
  forwardTo: string;
  listen?: boolean;
  stepTimeout?: string;
  continueOnError?: boolean;
  stripeAccount?: string;
  dryRun?: boolean;
  secret?: string;
  envFile?: string;
  apiVersion?: string;
  seed?: string;
  duplicate?: boolean;
  shuffle?: boolean;
  repeat?: string;
  concurrency?: string;
  audit?: boolean;
}

function integer(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    throw new UsageError(`${flag} "${value}" must be a whole number from ${min} to ${max}`, { hint: `e.g. ${flag} ${Math.min(max, Math.max(min, 8))}` });
  }
  return number;
}

export async function runOffline(flow: Flow, raw: Record<string, unknown>, ctx: Context): Promise<void> {
  const options = raw as unknown as OfflineOptions;
  if (options.listen === false) throw new UsageError('--no-listen has no meaning with --offline', { hint: 'offline mode delivers to --forward-to itself; drop --no-listen' });
  if (options.stripeAccount !== undefined) throw new UsageError('--stripe-account works only in live mode', { hint: 'drop --stripe-account, or drop --offline' });
  const url = new URL(parseForwardUrl(options.forwardTo));
  const seed = integer(options.seed, '--seed', 0, 0xffffffff, randomSeed());
  const repeat = integer(options.repeat, '--repeat', 1, 100_000, 1);
  const concurrency = integer(options.concurrency, '--concurrency', 1, 1000, 1);
  const timeoutMs = options.stepTimeout === undefined ? DELIVERY_TIMEOUT_MS : parseSeconds(options.stepTimeout, '--step-timeout');
  const apiVersion = options.apiVersion === undefined ? SDK_API_VERSION : parseApiVersion(options.apiVersion);
  const sources: SecretSources = { flag: options.secret, envFile: options.envFile, env: ctx.env, cwd: ctx.cwd };
  const given = await givenSecret(sources);

  if (options.dryRun) return renderDryRun(flow, { url, seed, apiVersion, shuffle: Boolean(options.shuffle), copies: options.duplicate ? 2 : 1, repeat }, ctx);

  const secret = given ?? (await generateSecret(sources));
  if (secret.generated) announce(secret, ctx);
  const settings = { url, secret: secret.value, apiVersion, seed, timeoutMs, signal: ctx.signal };
  const progress = await progressBar(ctx, plannedDeliveries({ flow, repeat, duplicate: options.duplicate }));
  let report: FlowReport;
  try {
    report = await runOfflineFlow({
      ...settings,
      flow,
      duplicate: Boolean(options.duplicate),
      shuffle: Boolean(options.shuffle),
      repeat,
      concurrency,
      continueOnError: Boolean(options.continueOnError),
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
  }
  const audit = options.audit ? await auditHandler(settings) : undefined;

  if (ctx.json) ctx.out.data({ ...reportJson(report), seed, ...(audit && { audit }) });
  else renderReports(report, audit, ctx);
  failIfNeeded(report, audit, seed, secret);
}

/** Exit 1 after the report when a step or check failed, with what to do next. */
export function failIfNeeded(report: FlowReport, audit: AuditReport | undefined, seed: number, secret?: SecretChoice): void {
  const failed = report.steps.filter((step) => !step.ok && step.error !== SKIPPED);
  const failedChecks = audit?.checks.filter((check) => !check.ok).length ?? 0;
  if (failed.length === 0 && failedChecks === 0) return;
  const parts = [
    ...(failed.length ? [`${failed.length} step${failed.length === 1 ? '' : 's'} failed`] : []),
    ...(failedChecks ? [`${failedChecks} audit check${failedChecks === 1 ? '' : 's'} failed`] : []),
  ];
  const refused = failed.some((step) => step.status !== null && step.status >= 400 && step.status < 500);
  const hint = failed.some((step) => step.error?.startsWith('nothing is listening'))
    ? 'start the app, or point --forward-to at it'
    : secret?.generated && refused
      ? `the app may not know the generated secret yet: give it ${SECRET_ENV} and run again`
      : `the report above says which and why; --seed ${seed} replays the same events`;
  throw new FailedError(`flow ${report.flow}: ${parts.join(', ')}`, { hint, reported: true });
}

export function renderReports(report: FlowReport, audit: AuditReport | undefined, ctx: Context): void {
  renderFlowReport(report, ctx.out);
  if (!audit) return;
  ctx.out.line();
  ctx.out.line(ctx.out.c.bold(`Handler audit of ${audit.url}`));
  renderAuditReport(audit, ctx.out);
}

function announce(secret: SecretChoice, ctx: Context): void {
  if (!secret.generated) return;
  if (secret.writtenTo) {
    ctx.out.warn(`no signing secret given: generated one into ${secret.writtenTo} (${SECRET_ENV}); start your app with it loaded`);
    return;
  }
  ctx.out.allow(secret.value); // the user asked for one by giving none: this is the value their app needs
  ctx.out.warn(`no signing secret given: generated ${secret.value} for this run`);
  ctx.out.warn(`start your app with ${SECRET_ENV}=${secret.value}, or pass --env-file .env to keep it there`);
}

/** A progress bar on a terminal's stderr; redrawn at most ten times a second. */
async function progressBar(ctx: Context, total: number): Promise<{ update: (done: number, total: number) => void; stop: () => void }> {
  if (!ctx.out.interactive) return { update: () => {}, stop: () => {} };
  const spinner: Spinner = await ctx.out.spinner(`delivering 0/${total} events`);
  let last = 0;
  return {
    update: (done, all) => {
      const now = Date.now();
      if (now - last < 100 && done < all) return;
      last = now;
      const filled = Math.round((done / all) * 24);
      spinner.update(`[${'#'.repeat(filled)}${'-'.repeat(24 - filled)}] ${done}/${all} events`);
    },
    stop: () => spinner.stop(),
  };
}

interface DryRunSettings {
  url: URL;
  seed: number;
  apiVersion: string;
  shuffle: boolean;
  copies: number;
  repeat: number;
}

/** What would be delivered (the first instance, in delivery order), sending nothing. */
function renderDryRun(flow: Flow, settings: DryRunSettings, ctx: Context): void {
  const events = synthesizeFlow(flow.steps.map((step) => step.event), { apiVersion: settings.apiVersion, seed: settings.seed, now: Math.floor(Date.now() / 1000) });
  const ordered = deliveryOrder(events.length, settings.seed, 0, settings.shuffle).map((i) => events[i]!);
  if (ctx.json) {
    ctx.out.data({ flow: flow.name, mode: 'offline', forwardTo: settings.url.href, apiVersion: settings.apiVersion, seed: settings.seed, copies: settings.copies, repeat: settings.repeat, events: ordered });
    return;
  }
  ctx.out.line(`POST ${settings.url.href}, signed, ${settings.copies === 2 ? 'each twice' : 'one at a time'}, api_version ${settings.apiVersion}:`);
  ctx.out.line(table(['#', 'event', 'evt id', 'object'], ordered.map((event, i) => [String(i + 1), event.type, event.id, objectId(event)])));
  const instances = settings.repeat > 1 ? `; ${settings.repeat} instances in all, each with fresh ids` : '';
  ctx.out.line(ctx.out.c.dim(`dry run: nothing sent (seed ${settings.seed}${instances})`));
}
