/**
 * `stripe-hooks listen`: validate everything, run `stripe listen` through
 * `startListener`, then render each event: one line per delivery for a human,
 * one NDJSON object per event with --json.
 */
import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { validateEnvKey, writeEnvValue } from '../lib/env-file.js';
import { UsageError } from '../errors.js';
import { builtinFlowEvents } from '../flows/builtin.js';
import { parseEventList } from '../flows/events.js';
import { flowEventTypes } from '../flows/load.js';
import { parseSeconds } from '../lib/option-values.js';
import {
  buildListenArgs,
  buildPrintSecretArgs,
  failureMessage,
  parseForwardUrl,
  startListener,
  type ListenArgs,
  type ListenerEvent,
} from '../stripe-cli/listen.js';
import { requireStripeCli } from '../stripe-cli/locate.js';
import { cliFailure, execStripe, stripeTarget, type StripeTarget } from '../stripe-cli/spawn.js';
import { reportStripeCli } from '../ui/stripe-cli.js';

interface ListenOptions {
  forwardTo: string;
  forwardConnectTo?: string;
  events?: string;
  flow?: string;
  all?: boolean;
  envFile?: string;
  envKey: string;
  printSecret?: boolean;
  header?: string[];
  skipVerify?: boolean;
  latest?: boolean;
  readyTimeout: string;
}

async function eventSelection(options: ListenOptions, ctx: Context): Promise<ListenArgs['events']> {
  const chosen = [options.events !== undefined && '--events', options.flow !== undefined && '--flow', options.all && '--all'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`${chosen.join(' and ')} cannot be combined`, { hint: 'select events one way' });
  if (options.all) return 'all';
  if (options.events !== undefined) return parseEventList(options.events);
  if (options.flow !== undefined) return flowEventTypes(options.flow, { cwd: ctx.cwd });
  return builtinFlowEvents(); // the Stripe CLI refuses to listen without a selection
}

export async function run(_args: string[], raw: Record<string, unknown>, ctx: Context): Promise<void> {
  const options = raw as unknown as ListenOptions;
  // Every check before anything is spawned: a usage error never leaves a child behind.
  const readyTimeoutMs = parseSeconds(options.readyTimeout, '--ready-timeout');
  const envFile = options.envFile === undefined ? undefined : resolve(ctx.cwd, options.envFile);
  if (envFile) validateEnvKey(options.envKey);
  const listen: ListenArgs = {
    forwardTo: parseForwardUrl(options.forwardTo),
    forwardConnectTo: options.forwardConnectTo === undefined ? undefined : parseForwardUrl(options.forwardConnectTo, '--forward-connect-to'),
    events: await eventSelection(options, ctx),
    headers: options.header,
    skipVerify: options.skipVerify,
    latest: options.latest,
    apiBase: ctx.apiBase,
  };
  const args = options.printSecret ? buildPrintSecretArgs(listen) : buildListenArgs(listen);
  const cli = await requireStripeCli(ctx);
  reportStripeCli(ctx.out, cli);
  const target = stripeTarget(ctx, cli.path);

  if (options.printSecret) {
    const secret = await printSecretOf(target, args, readyTimeoutMs, ctx.signal);
    if (envFile) await writeEnvValue(envFile, options.envKey, secret);
    ctx.out.allow(secret); // the user asked for exactly this value
    if (ctx.json) ctx.out.data({ secret });
    else ctx.out.line(secret);
    return;
  }

  const spinner = await ctx.out.spinner('Connecting to Stripe…');
  const listener = await startListener({
    ...listen,
    target,
    readyTimeoutMs,
    signal: ctx.signal,
    log: (text) => ctx.out.debug(text),
  }).finally(() => spinner.stop());
  try {
    if (envFile) await writeEnvValue(envFile, options.envKey, listener.secret);
    const render = renderer(ctx, { ...listen, envFile, envKey: options.envKey });
    for await (const event of listener.events) render(event);
  } finally {
    await listener.stop(); // no-op when it is gone already; never return with a child running
  }
}

async function printSecretOf(target: StripeTarget, args: string[], timeoutMs: number, signal: AbortSignal): Promise<string> {
  const result = await execStripe(target, args, { timeoutMs, signal });
  const secret = /\bwhsec_\w+/.exec(result.stdout)?.[0];
  if (result.exitCode !== 0 || !secret) {
    throw cliFailure('listen --print-secret', failureMessage(result.stderr.split('\n')), `exited with code ${result.exitCode}`);
  }
  return secret;
}

const clock = (at: number) => new Date(at).toTimeString().slice(0, 8);

function renderer(ctx: Context, setup: ListenArgs & { envFile?: string; envKey: string }): (event: ListenerEvent) => void {
  const { c } = ctx.out;
  let readySeen = false;
  const status = (code: number) => (code < 300 ? c.green : code < 400 ? c.yellow : c.red)(String(code));
  const row = (at: number, type = '?', id = '?') => `${c.dim(clock(at))}  ${type.padEnd(34)} ${id.padEnd(30)}`;

  if (ctx.json) {
    return (event) => {
      const { at, ...rest } = event;
      const time = new Date(at).toISOString();
      if (event.kind === 'ready') ctx.out.data({ ...rest, time, forwardTo: setup.forwardTo, forwardConnectTo: setup.forwardConnectTo, envFile: setup.envFile });
      else if (event.kind === 'response') ctx.out.data({ kind: 'delivery', time, type: event.type, id: event.id, status: event.status, ms: event.ms, url: event.url, connect: event.connect ?? false });
      else ctx.out.data({ ...rest, time });
    };
  }
  return (event) => {
    switch (event.kind) {
      case 'ready':
        if (readySeen) return ctx.out.note(`Reconnected — forwarding to ${setup.forwardTo}`);
        readySeen = true;
        ctx.out.note(`${c.green('Ready')} — forwarding to ${setup.forwardTo}`);
        if (setup.forwardConnectTo) ctx.out.note(`  Connect events to ${setup.forwardConnectTo}`);
        ctx.out.note(
          setup.envFile
            ? `  signing secret ${event.secret} written to ${setup.envFile} as ${setup.envKey}`
            : `  signing secret ${event.secret} (in full: --env-file .env or --print-secret)`,
        );
        ctx.out.note(`  events: ${setup.events === 'all' ? 'all' : setup.events.join(', ')}`);
        return ctx.out.note(c.dim('  Ctrl+C to stop'));
      case 'response':
        return ctx.out.line(`${row(event.at, event.type, event.id)} ${status(event.status)}  ${event.ms === undefined ? '' : `${event.ms} ms`}`);
      case 'unreachable':
        return ctx.out.line(`${row(event.at, event.type, event.id)} ${c.red('unreachable')}  ${event.reason}`);
      case 'cli-error':
        return ctx.out.warn(`stripe listen: ${event.message}`);
      case 'forwarded':
        return; // shown with its answer
    }
  };
}
