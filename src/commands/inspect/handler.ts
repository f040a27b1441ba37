/**
 * `stripe-hooks inspect FILE`: check the recording and the options, serve it in the inspector until Ctrl+C.
 * Replays need --forward-to and a signing secret (--secret, --dotenv or STRIPE_WEBHOOK_SECRET), as `replay` does.
 * With --report-html it writes the page as one file and ends, serving nothing.
 */
import type { Context } from '../../context.js';
import type { InspectCommandOptions } from './definition.js';
import { abortError, InterruptedError, UsageError } from '../../errors.js';
import { inspectRecording, reportRecording } from '../../inspect/recording.js';
import { openBrowser } from '../../inspect/open.js';
import { reportTarget } from '../../inspect/report-html.js';
import { parseForwardUrl } from '../../lib/forward-url.js';
import { givenSecret } from '../../offline/secret.js';
import { renderInspectorUrl } from '../../ui/inspect.js';
import { warnSecretFlag } from '../../ui/secret-flag.js';

export async function run(file: string, options: InspectCommandOptions, ctx: Context): Promise<void> {
  const forwardTo = options.forwardTo === undefined ? undefined : parseForwardUrl(options.forwardTo);
  const secret = await givenSecret({ flag: options.secret, dotenv: options.dotenv, env: ctx.env, cwd: ctx.cwd });
  if (options.secret !== undefined) warnSecretFlag(ctx.out, '--secret');
  if (forwardTo !== undefined && secret === undefined) {
    throw new UsageError('--forward-to needs the secret the app verifies with', { hint: 'give --secret, --dotenv .env or set STRIPE_WEBHOOK_SECRET' });
  }
  if (ctx.signal.aborted) throw stopped(ctx);
  const known = [ctx.apiKey ?? ''].filter(Boolean);
  if (options.reportHtml !== undefined) {
    const out = reportTarget(options.reportHtml, ctx.cwd);
    const written = await reportRecording({ file, cwd: ctx.cwd, known: secret ? [...known, secret.value] : known, out });
    ctx.out.note(`${written.count} event${written.count === 1 ? '' : 's'} from ${written.shown} written to ${out}.`);
    return;
  }
  const send = forwardTo !== undefined && secret ? { forwardTo, secret: secret.value } : undefined;
  const shown = await inspectRecording({ file, cwd: ctx.cwd, limit: options.inspectLimit, known, send });
  renderInspectorUrl(ctx.out, shown.inspector.url, ctx.json);
  ctx.out.note(`${shown.count} event${shown.count === 1 ? '' : 's'} from ${shown.shown}${send ? '' : '; replay is off (give --forward-to and a secret)'}. Ctrl+C stops.`);
  if (options.open) openBrowser(shown.inspector.url, ctx.out.interactive);
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await shown.close();
  throw stopped(ctx);
}

/** Ctrl+C is how it stops: no error line; cli.ts still exits 130 / 143. */
const stopped = (ctx: Context) => new InterruptedError(abortError(ctx.signal.reason).signal, { reported: true });
