/**
 * `stripe-hooks demo`: the quickest way to see the tool work, with no account and
 * no Stripe CLI. Starts the example webhook app (src/demo/app.ts) on a free
 * loopback port, runs the offline `payment` flow and the handler audit against it,
 * prints both reports and stops the app. `--json`: one object with both reports.
 */
import type { Context } from '../context.js';
import { startWebhookApp } from '../demo/app.js';
import { BUILTIN_FLOWS } from '../flows/builtin.js';
import { reportJson } from '../run/report.js';
import { SDK_API_VERSION } from '../lib/api-version.js';
import { auditHandler } from '../offline/audit.js';
import { generateWebhookSecret, randomSeed } from '../offline/random.js';
import { runOfflineFlow } from '../run/offline-runner.js';
import { renderAuditReport } from '../ui/audit-report.js';
import { renderFlowReport } from '../ui/flow-report.js';
import { failIfNeeded } from './trigger-flow-offline.js';

export async function run(_args: string[], _options: Record<string, unknown>, ctx: Context): Promise<void> {
  // Always the built-in flow: a `payment` flow in the user's config must not change the demo.
  const flow = BUILTIN_FLOWS.find((candidate) => candidate.name === 'payment')!;
  const secret = generateWebhookSecret();
  const seed = randomSeed();
  const apiVersion = SDK_API_VERSION;
  const app = await startWebhookApp({ secret, log: (line) => ctx.out.debug(`example app: ${line}`) });
  const url = new URL(app.url);
  const settings = { url, secret, apiVersion, seed, signal: ctx.signal };

  let report, audit;
  try {
    ctx.out.debug(`example app listening at ${app.url}`);
    report = await runOfflineFlow({ ...settings, flow });
    audit = await auditHandler(settings);
  } finally {
    await app.close();
  }

  if (ctx.json) {
    ctx.out.data({ ok: report.ok && audit.ok, app: app.url, flow: reportJson(report), audit });
  } else {
    const { c } = ctx.out;
    ctx.out.line(`The example webhook app (src/demo/app.ts in stripe-hooks) listened at ${app.url}.`);
    ctx.out.line();
    ctx.out.line(c.bold(`1. The ${flow.name} flow, offline: ${flow.steps.length} signed events, in order, each needing a 2xx`));
    renderFlowReport(report, ctx.out);
    ctx.out.line();
    ctx.out.line(c.bold('2. The handler audit: does it refuse what Stripe never sends, and survive what it does?'));
    renderAuditReport(audit, ctx.out);
  }
  failIfNeeded(report, audit, seed);
  if (!ctx.json) nextSteps(ctx);
}

function nextSteps(ctx: Context): void {
  ctx.out.line();
  ctx.out.line('Next, against your own app:');
  ctx.out.line('  stripe-hooks trigger-flow payment --offline --forward-to http://localhost:4242/webhook --secret "$STRIPE_WEBHOOK_SECRET" --audit');
}
