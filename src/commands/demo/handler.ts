/**
 * `stripe-hooks demo`: the quickest way to see the tool work, with no account and
 * no Stripe CLI. Starts the example webhook app (src/demo/app.ts) on a free
 * loopback port, runs the offline `payment` flow and the handler audit against it,
 * prints both reports and stops the app. `--json`: one object with both reports.
 */
import type { Context } from '../../context.js';
import { startWebhookApp } from '../../demo/app.js';
import { BUILTIN_FLOWS } from '../../flows/builtin.js';
import { SDK_API_VERSION } from '../../lib/sdk-api-version.js';
import { flowAuditSample, runAudit } from '../../offline/audit.js';
import { generateWebhookSecret, randomSeed } from '../../offline/random.js';
import { runOfflineFlow } from '../../run/offline-runner.js';
import { runFailure } from '../../run/outcome.js';
import { renderDemo, renderNextSteps } from '../../ui/demo.js';

export async function run(ctx: Context): Promise<void> {
  // Always the built-in flow: a `payment` flow in the user's config must not change the demo.
  const flow = BUILTIN_FLOWS.find((candidate) => candidate.name === 'payment')!;
  const secret = generateWebhookSecret();
  ctx.out.secret(secret);
  const seed = randomSeed();
  const apiVersion = SDK_API_VERSION;
  // The app runs here, so the audit can see the work it did per event id, not only its answers.
  const work = new Map<string, number>();
  const onProcess = (id: string) => void work.set(id, (work.get(id) ?? 0) + 1);
  const app = await startWebhookApp({ secret, log: (line) => ctx.out.debug(`example app: ${line}`), onProcess });
  const settings = { url: new URL(app.url), secret, apiVersion, seed, signal: ctx.signal };

  let report, audit;
  try {
    ctx.out.debug(`example app listening at ${app.url}`);
    report = await runOfflineFlow({ ...settings, flow });
    audit = await runAudit({ ...settings, sample: flowAuditSample(flow, settings), processed: async (id) => work.get(id) ?? 0 });
  } finally {
    await app.close();
  }

  renderDemo(ctx.out, { appUrl: app.url, flow, report, audit });
  const failure = runFailure(report, { audit, seed });
  if (failure) throw failure;
  renderNextSteps(ctx.out);
}
