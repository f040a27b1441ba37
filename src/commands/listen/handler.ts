/**
 * `stripe-hooks listen`: validate everything, run `stripe listen` behind the
 * relay (listen/session.ts), then render each delivery (src/ui/listen.ts).
 */
import { resolve } from 'node:path';
import type { Context } from '../../context.js';
import type { ListenCommandOptions } from './definition.js';
import { abortError, InterruptedError } from '../../errors.js';
import { writeEnvValue } from '../../lib/env-file.js';
import { checkListenOptions } from '../../listen/options.js';
import { startListenSession } from '../../listen/session.js';
import { listenTally } from '../../listen/summary.js';
import { openRecorder } from '../../record/writer.js';
import { printSecretOf } from '../../stripe-cli/print-secret.js';
import { buildPrintSecretArgs } from '../../stripe-cli/listen.js';
import { locateUnproven } from '../../stripe-cli/while-proving.js';
import { stripeTarget } from '../../stripe-cli/spawn.js';
import { recordingOnScreen, renderListenSummary, renderSecret, listenRenderer } from '../../ui/listen.js';
import { reportStripeCli } from '../../ui/stripe-cli.js';
import { startRunInspector } from '../inspecting.js';

export async function run(options: ListenCommandOptions, ctx: Context): Promise<void> {
  // Every check before anything is spawned: a usage error never leaves a child behind.
  const { routing, events } = await checkListenOptions(options, ctx.cwd);
  const envFile = options.dotenv === undefined ? undefined : resolve(ctx.cwd, options.dotenv);
  const unproven = await locateUnproven(ctx);
  const target = stripeTarget(ctx, unproven.path);

  if (options.printSecret) {
    const cli = await unproven.require();
    reportStripeCli(ctx.out, cli);
    const secret = await printSecretOf({ ...target, bin: cli.path }, buildPrintSecretArgs({ apiBase: ctx.apiBase }), options.readyTimeout, ctx.signal);
    if (envFile) await writeEnvValue(envFile, options.envKey, secret);
    return renderSecret(ctx.out, secret);
  }

  // --inspect: the page is up before the session, so its URL is printed before the first delivery.
  const tap = await startRunInspector('listen', options, ctx, routing.forwardTo);
  const listener = {
    onExchange: tap?.onExchange,
    routing,
    events,
    headers: options.header,
    latest: options.latest,
    skipVerify: options.skipVerify,
    serial: options.serial ? { windowMs: options.reorderWindow } : undefined,
    forwardTimeoutMs: options.forwardTimeout,
    target,
    readyTimeoutMs: options.readyTimeout,
    log: (text: string) => ctx.out.debug(text),
  };
  // Opened last of the checks, before anything runs: a bad path is a usage error, and a run that never starts leaves no file.
  const recorder = options.record === undefined ? undefined : openRecorder(resolve(ctx.cwd, options.record), { live: Boolean(options.live), secrets: [ctx.apiKey] });
  const recording = recorder && { recorder, onNotice: recordingOnScreen(ctx.out, recorder, Boolean(options.live)) };
  // `stripe listen` starts at once; the binary is proven meanwhile (`stripe version`, unless cached).
  const starting = startListenSession({ unproven, listener, signal: ctx.signal, recording });
  const spinner = ctx.out.spinner('Connecting to Stripe…'); // ora loads while the CLI starts
  const session = await starting
    .finally(async () => (await spinner).stop())
    .catch(async (error: unknown) => {
      await tap?.close();
      if (!ctx.signal.aborted) throw error;
      renderListenSummary(ctx.out, listenTally().summary()); // Ctrl+C while connecting: a stop like any other
      throw stopped(ctx);
    });
  let ended = false;
  // Told when it arrives; not after the listener ended (the summary is the last word), and an abort says nothing.
  void session.proven.then((cli) => ended || reportStripeCli(ctx.out, cli), () => {});
  try {
    tap?.learn(session.secret);
    if (envFile) await writeEnvValue(envFile, options.envKey, session.secret);
    const render = listenRenderer(ctx.out, { routing, events, serial: Boolean(options.serial), envFile, envKey: options.envKey, record: recorder?.path });
    for await (const event of session.events) {
      if (event.kind === 'ready') tap?.learn(event.secret); // a reconnect may bring a new session secret
      render(event);
    }
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
  } finally {
    ended = true;
    // Never return with a child running; the recording is closed with it.
    renderListenSummary(ctx.out, await session.stop());
    await tap?.close();
  }
  if (ctx.signal.aborted) throw stopped(ctx);
}

/** Ctrl+C (or SIGTERM) is how listen stops: the summary said so, so no error line; cli.ts still exits 130 / 143. */
const stopped = (ctx: Context) => new InterruptedError(abortError(ctx.signal.reason).signal, { reported: true });
