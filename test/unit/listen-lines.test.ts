import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureMessage } from '../../src/stripe-cli/listen.js';
import { cleanLine, parseListenLine, unreachableReason } from '../../src/stripe-cli/listen-lines.js';

// Real output of `stripe listen` 1.52.0; see fixtures/stripe-listen/README.md.
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'stripe-listen', name), 'utf8');
const parseAll = (text: string) => text.split('\n').map(parseListenLine).filter(Boolean);

const READY = { kind: 'ready', apiVersion: '2025-01-27.acacia', secret: 'whsec_probe1234567890abcdef' };
/** The events of the session captured both piped and on a terminal. */
const FIRST_RUN = [
  { kind: 'forwarded', type: 'customer.created', id: 'evt_probe1', connect: false },
  { kind: 'response', status: 200, method: 'POST', url: 'http://localhost:4299/hook', id: 'evt_probe1' },
  { kind: 'forwarded', type: 'customer.updated', id: 'evt_probe2', connect: true },
  { kind: 'unreachable', url: 'http://localhost:4298/c', reason: 'connection refused' },
];

describe('parseListenLine on piped output', () => {
  it('reads the ready line with API version and secret', () => {
    expect(parseAll(fixture('piped-stderr.txt'))).toEqual([READY]);
  });

  it('reads forwarded events, answers, connect events and failed POSTs', () => {
    expect(parseAll(fixture('piped-stdout.txt'))).toEqual([
      ...FIRST_RUN,
      { kind: 'forwarded', type: 'customer.created', id: 'evt_probe1', connect: false },
      { kind: 'response', status: 500, method: 'POST', url: 'http://localhost:4296/fail', id: 'evt_probe1' },
      { kind: 'forwarded', type: 'customer.updated', id: 'evt_probe2', connect: true },
      { kind: 'unreachable', url: 'http://localhost:4296/hang', reason: 'timed out' },
    ]);
  });

  it('ignores progress lines and blanks', () => {
    expect(parseListenLine('Getting ready...')).toBeUndefined();
    expect(parseListenLine('')).toBeUndefined();
    expect(parseListenLine('Checking for new versions...')).toBeUndefined();
  });
});

describe('parseListenLine on terminal output (colours, links, spinner)', () => {
  it('reads the same events as when piped', () => {
    expect(parseAll(fixture('tty.txt'))).toEqual([READY, ...FIRST_RUN]);
  });

  it('cleans a line down to what a terminal shows', () => {
    const spinnerThenReady = fixture('tty.txt').split('\n')[0]!;
    expect(cleanLine(spinnerThenReady)).toMatch(/^Ready! You are using/);
  });

  it('reads a fatal error logged in terminal format', () => {
    expect(parseAll(fixture('tty-bad-key.txt'))).toEqual([
      { kind: 'cli-error', category: 'bad-key', message: expect.stringMatching(/^Error while authenticating with Stripe: Authorization failed, status=401/) },
    ]);
  });
});

describe('parseListenLine on the CLI\'s failures', () => {
  it.each([
    ['stderr-bad-key.txt', 'bad-key', /Authorization failed, status=401/],
    ['stderr-bad-key-pretty.txt', 'bad-key', /Authorization failed, status=401, body=\{$/],
    ['stderr-short-key.txt', 'bad-key', /too short/],
    ['stderr-legacy-key.txt', 'bad-key', /legacy-style API key/],
    ['stderr-publishable-key.txt', 'bad-key', /only supports using a secret or restricted key/],
    ['stderr-no-key.txt', 'not-logged-in', /You have not configured API keys yet/],
    ['stderr-network.txt', 'network', /connection refused/],
  ])('%s -> cli-error %s', (name, category, message) => {
    expect(parseAll(fixture(name))).toEqual([{ kind: 'cli-error', category, message: expect.stringMatching(message) }]);
  });
});

describe('unreachableReason', () => {
  it.each([
    ['dial tcp 127.0.0.1:4298: connect: connection refused', 'connection refused'],
    ['context deadline exceeded (Client.Timeout exceeded while awaiting headers)', 'timed out'],
    ['dial tcp: lookup nowhere.invalid: no such host', 'unknown host'],
    ['tls: failed to verify certificate: x509: certificate signed by unknown authority', 'TLS error'],
    ['EOF', 'EOF'],
  ])('%s -> %s', (error, reason) => {
    expect(unreachableReason(error)).toBe(reason);
  });
});

describe('failureMessage (why the CLI exited, from its stderr)', () => {
  it.each([
    ['stderr-bad-key-pretty.txt', /^Error while authenticating with Stripe: Authorization failed, status=401, body=\{$/],
    ['stderr-no-key.txt', /^You have not configured API keys yet$/], // not the advice lines under it
    ['stderr-network.txt', /connect: connection refused$/],
  ])('%s', (name, message) => {
    expect(failureMessage(fixture(name).split('\n'))).toMatch(message);
  });

  it('falls back to the first line that is not progress (a panic, not its stack)', () => {
    expect(failureMessage(['Getting ready...', 'panic: runtime error', '', 'goroutine 1 [running]:'])).toBe('panic: runtime error');
    expect(failureMessage(['Getting ready...', ''])).toBeUndefined();
  });
});
