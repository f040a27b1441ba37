// Shared by the listen benches: a bare `stripe listen` and `stripe-hooks listen`, each in a throw-away HOME,
// started as a child and timed from spawn until its ready line.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, stripeBin } from './measure.js';

export const BARE_READY = /Ready!/;
export const WRAPPED_READY = /Ready — forwarding/;

/** A child's environment: its own HOME (the CLI writes its config there) and, unless given, its own cache dir. */
export function benchEnv({ cache, key = 'sk_test_bench_listen' } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'bench-listen-'));
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: cache ?? join(home, '.cache'),
    STRIPE_API_KEY: key,
    STRIPE_CLI_TELEMETRY_OPTOUT: '1',
    NO_COLOR: '1',
  };
}

/** argv of a bare `stripe listen` and of `stripe-hooks listen`, both forwarding to `forwardTo`. */
export function bareListen(apiBase, forwardTo, events = 'charge.succeeded') {
  return [stripeBin, ['listen', '--forward-to', forwardTo, '--events', events, '--skip-update', '--api-base', apiBase]];
}
/** `checkout`: another built copy of stripe-hooks to run instead of this one (a before/after comparison). */
export function wrappedListen(apiBase, forwardTo, events = 'charge.succeeded', checkout = root) {
  const cli = join(checkout, 'bin', 'stripe-hooks.js');
  return [process.execPath, ['--', cli, 'listen', '--forward-to', forwardTo, '--events', events, '--api-base', apiBase, '--stripe-bin', stripeBin]];
}

/**
 * Spawns [command, args] and resolves once its stderr matches `ready`, with the milliseconds that took and
 * `stop()` (SIGTERM, resolves when it is gone), the child and its stderr until then (`text`). Rejects with its output if it exits first.
 */
export function startUntilReady([command, args], ready, env = benchEnv()) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise((done) => child.on('exit', done));
    let text = '';
    let ms;
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    };
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      if (ms !== undefined) return;
      text += chunk;
      if (ready.test(text)) {
        ms = Number(process.hrtime.bigint() - start) / 1e6;
        resolve({ ms, stop, child, text });
      }
    });
    void exited.then(() => ms === undefined && reject(new Error(`${command} ${args.join(' ')} never got ready:\n${text}`)));
  });
}
