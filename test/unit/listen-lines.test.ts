import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureMessage } from '../../src/stripe-cli/listen.js';
import { cleanLine, parseListenLine } from '../../src/stripe-cli/listen-lines.js';

// Real output of `stripe listen` 1.52.0; see fixtures/stripe-listen/README.md.
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'stripe-listen', name), 'utf8');
const parseAll = (text: string) => text.split('\n').map(parseListenLine).filter(Boolean);

const READY = { kind: 'ready', apiVersion: '2025-01-27.acacia', secret: 'whsec_probe1234567890abcdef' };

describe('parseListenLine on piped output', () => {
  it('reads the ready line with API version and secret', () => {
    expect(parseAll(fixture('piped-stderr.txt'))).toEqual([READY]);
  });

  it("reads nothing from the delivery lines: the relay records each delivery exactly, the CLI's text is not parsed for them", () => {
    const lines = fixture('piped-stdout.txt').split('\n').filter(Boolean);
    expect(lines.some((line) => /--> customer\.created \[evt_probe1\]/.test(line))).toBe(true); // the fixture does hold them
    expect(lines.some((line) => /Failed to POST/.test(line))).toBe(true);
    expect(parseAll(fixture('piped-stdout.txt'))).toEqual([]);
  });

  it('ignores progress lines and blanks', () => {
    expect(parseListenLine('Getting ready...')).toBeUndefined();
    expect(parseListenLine('')).toBeUndefined();
    expect(parseListenLine('Checking for new versions...')).toBeUndefined();
  });
});

describe('parseListenLine on terminal output (colours, links, spinner)', () => {
  it('reads the same ready line as when piped, and nothing from the delivery lines', () => {
    expect(parseAll(fixture('tty.txt'))).toEqual([READY]);
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
