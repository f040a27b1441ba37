/**
 * `listen`'s output: for a human, the ready banner on stderr and one line per
 * delivery on stdout; with --json, one NDJSON object per event.
 */
import type { ListenArgs, ListenerEvent } from '../stripe-cli/listen.js';
import type { Output } from './output.js';
import { statusText } from './status.js';

export interface ListenSetup {
  forwardTo: string;
  forwardConnectTo?: string;
  events: ListenArgs['events'];
  envFile?: string;
  envKey: string;
}

const clock = (at: number) => new Date(at).toTimeString().slice(0, 8);

/** A function that renders each listener event as it comes. */
export function listenRenderer(out: Output, setup: ListenSetup): (event: ListenerEvent) => void {
  return out.json ? jsonRenderer(out, setup) : humanRenderer(out, setup);
}

function jsonRenderer(out: Output, setup: ListenSetup): (event: ListenerEvent) => void {
  return (event) => {
    const { at, ...rest } = event;
    const time = new Date(at).toISOString();
    if (event.kind === 'ready') out.data({ ...rest, time, forwardTo: setup.forwardTo, forwardConnectTo: setup.forwardConnectTo, envFile: setup.envFile });
    else if (event.kind === 'response') out.data({ kind: 'delivery', time, type: event.type, id: event.id, status: event.status, ms: event.ms, url: event.url, connect: event.connect ?? false });
    else out.data({ ...rest, time });
  };
}

function humanRenderer(out: Output, setup: ListenSetup): (event: ListenerEvent) => void {
  const { c } = out;
  let readySeen = false;
  const row = (at: number, type = '?', id = '?') => `${c.dim(clock(at))}  ${type.padEnd(34)} ${id.padEnd(30)}`;
  return (event) => {
    switch (event.kind) {
      case 'ready':
        if (readySeen) return out.note(`Reconnected — forwarding to ${setup.forwardTo}`);
        readySeen = true;
        out.note(`${c.green('Ready')} — forwarding to ${setup.forwardTo}`);
        if (setup.forwardConnectTo) out.note(`  Connect events to ${setup.forwardConnectTo}`);
        out.note(
          setup.envFile
            ? `  signing secret ${event.secret} written to ${setup.envFile} as ${setup.envKey}`
            : `  signing secret ${event.secret} (in full: --dotenv .env or --print-secret)`,
        );
        out.note(`  events: ${setup.events === 'all' ? 'all' : setup.events.join(', ')}`);
        return out.note(c.dim('  Ctrl+C to stop'));
      case 'response':
        return out.line(`${row(event.at, event.type, event.id)} ${statusText(c, event.status)}  ${event.ms === undefined ? '' : `${event.ms} ms`}`);
      case 'unreachable':
        return out.line(`${row(event.at, event.type, event.id)} ${c.red('unreachable')}  ${event.reason}`);
      case 'cli-error':
        return out.warn(`stripe listen: ${event.message}`);
      case 'forwarded':
        return; // shown with its answer
    }
  };
}

/** `--print-secret`: just the secret (the user asked for exactly this value). */
export function renderSecret(out: Output, secret: string): void {
  out.allow(secret);
  if (out.json) out.data({ secret });
  else out.line(secret);
}
