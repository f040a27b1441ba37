/**
 * `localhost` as both loopbacks. Resolvers disagree on which comes first (or
 * list one only) and apps bind one of them, so "connection refused" on
 * localhost is often the other family (stripe-cli#273). With these agent
 * options Node tries 127.0.0.1 and ::1 in turn (happy eyeballs).
 */
import dns, { type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

const LOCALHOST: LookupAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

const lookup = ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
  if (hostname.toLowerCase() !== 'localhost') return dns.lookup(hostname, options, callback as never);
  if (options.all) return callback(null, LOCALHOST);
  return callback(null, LOCALHOST[0]!.address, 4);
}) as LookupFunction;

/** Options for an http(s) Agent (or request) that reach an app on either loopback as `localhost`. */
export const bothLoopbacks = { lookup, autoSelectFamily: true } as const;
