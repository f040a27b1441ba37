/**
 * A recording as `listen --record` writes one, made from realistic event bodies (the offline
 * synthesizer's, one with multi-byte UTF-8), and the built CLI's `replay` run against it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { EventType } from '../../src/flows/event-types.js';
import { recordingLine } from '../../src/record/format.js';
import { eventBody, synthesizeFlow } from '../../src/offline/synthesize.js';
import { runCli, sandbox, type Sandbox } from '../support/cli.js';

export const TYPES: EventType[] = ['customer.created', 'invoice.created', 'invoice.finalized', 'payment_intent.succeeded', 'charge.succeeded', 'invoice.paid'];

export interface Recorded {
  box: Sandbox;
  file: string;
  events: { id: string; type: string; body: string }[];
}

/** Writes `rec.ndjson` into a fresh sandbox's cwd; `lines` edits the lines before they are written. */
export function writeRecording(edit: (lines: string[]) => string[] = (lines) => lines): Recorded {
  const box = sandbox();
  const events = synthesizeFlow(TYPES, { apiVersion: '2025-01-27.acacia', seed: 99, now: 1_764_000_000 }).map((event, i) => {
    // Recorded bodies are Stripe's bytes: one carries text beyond ASCII, to catch any re-encoding.
    const value = i === 3 ? { ...event, data: { object: { ...event.data.object, description: 'Café ☕ — 日本 𝄞' } } } : event;
    return { id: event.id, type: event.type, body: eventBody(value) };
  });
  const lines = events.map((event, i) =>
    recordingLine({
      receivedAt: Date.UTC(2026, 11, 1, 10, 0, i),
      body: event.body,
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'stripe-signature': 't=1,v1=stale' },
      answer: { status: 200, ms: 4.2 },
    }),
  );
  writeFileSync(join(box.cwd, 'rec.ndjson'), edit(lines).join(''));
  return { box, file: 'rec.ndjson', events };
}

export const replay = (recorded: Recorded, args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['replay', recorded.file, ...args], { box: recorded.box, env });

export interface ReplayJson {
  flow: string;
  ok: boolean;
  mode: string;
  seed?: number;
  steps: { event: string; trigger: null; eventId: string | null; url?: string; status: number | null; ms: number; ok: boolean; failure?: string; error?: string }[];
  sideEffects: unknown[];
  burst?: { count: number };
  audit?: { ok: boolean; checks: { name: string; ok: boolean; title: string }[] };
  events?: { id: string; type: string; line: number }[];
}

export function onlyJson(stdout: string): ReplayJson {
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as ReplayJson;
}

/** A one-line usage error (`message`: its whole first line, `error …`): exit 2, the error and its hint on stderr, no stack, nothing on stdout. */
export function expectUsageError(result: { exitCode?: number; stderr: string; stdout: string }, message: string | RegExp): void {
  expect(result.exitCode, result.stderr).toBe(2);
  const lines = result.stderr.trim().split('\n');
  if (typeof message === 'string') expect(lines[0]).toBe(message);
  else expect(lines[0]).toMatch(message);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe('');
}
