/**
 * Downloads for the release source, over https only (plain http is allowed on
 * loopback, where nobody sits in between): the base URL, and every redirect,
 * which is followed by hand so a mirror cannot downgrade us to http.
 */
import { EnvironmentError } from '../errors.js';

const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
const MAX_DOWNLOAD = 512 * 1024 * 1024;
const MAX_REDIRECTS = 5;

/** 127.0.0.0/8, [::1] and localhost, as the WHATWG URL parser spells them (it normalises 127.1 and the like). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** https, or http to loopback. */
export function isSecure(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
}

/** A URL as shown to the user: credentials a mirror URL may carry are left out. */
export function shownUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

// fetch refuses URLs with credentials: a mirror's user:password travels as Basic auth instead.
function basicAuth(url: URL): Record<string, string> {
  if (!url.username && !url.password) return {};
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

/** The final response, redirects followed one by one, each checked before it is requested. */
async function follow(url: URL, signal: AbortSignal): Promise<Response> {
  let headers = basicAuth(url);
  for (let current = url, hops = 0; ; hops++) {
    const response = await fetch(shownUrl(current), { headers, signal, redirect: 'manual' });
    const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    if (location === null) return response;
    await response.body?.cancel();
    const next = new URL(location, current);
    if (!isSecure(next)) {
      throw new EnvironmentError(`${shownUrl(url)} redirects to ${shownUrl(next)}, which is not https; nothing installed`, { hint: 'use a --download-base mirror that serves (and redirects to) https only' });
    }
    if (hops === MAX_REDIRECTS) throw new EnvironmentError(`${shownUrl(url)} redirects more than ${MAX_REDIRECTS} times`, { hint: 'check --download-base' });
    if (next.origin !== current.origin) headers = {}; // the mirror's credentials are for the mirror only
    current = next;
  }
}

export async function download(url: URL, signal: AbortSignal | undefined): Promise<Buffer> {
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  let response: Response;
  try {
    response = await follow(url, signal ? AbortSignal.any([signal, timeout]) : timeout);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof EnvironmentError) throw error;
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (timeout.aborted ? 'timed out' : 'network error');
    throw new EnvironmentError(`cannot download ${shownUrl(url)} (${cause})`, { hint: 'check your network, or point --download-base at a reachable mirror' });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new EnvironmentError(`download of ${shownUrl(url)} failed: HTTP ${response.status}`, {
      hint: 'check --cli-version and --download-base (files are read from <base>/v<version>/)',
    });
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DOWNLOAD) throw new EnvironmentError(`${shownUrl(url)} is too large (${declared} bytes)`, { hint: 'check --download-base' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_DOWNLOAD) throw new EnvironmentError(`${shownUrl(url)} is too large`, { hint: 'check --download-base' });
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
