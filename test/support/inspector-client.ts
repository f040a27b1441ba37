/**
 * Talking to the inspector (src/inspect/server.ts) over real HTTP with full control of the headers (fetch will not
 * set Host): `call` for one request, `openEvents` for the event stream, read event by event.
 */
import { request, type IncomingHttpHeaders } from 'node:http';

export interface Called {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export function call(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Called> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: { ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface ServerEvent {
  id?: string;
  event: string;
  data: unknown;
}

/** The event stream, parsed: `next()` resolves with each event as it arrives (15 s at most). */
export function openEvents(base: string, path: string, headers: Record<string, string> = {}) {
  const events: ServerEvent[] = [];
  const waiting: Array<() => void> = [];
  let buffer = '';
  let read = 0;
  let close = () => {};
  const opened = new Promise<number>((resolve, reject) => {
    const req = request(new URL(path, base), { headers }, (res) => {
      resolve(res.statusCode!);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
          events.push({ ...(fields.id !== undefined && { id: fields.id }), event: fields.event ?? 'message', data: JSON.parse(fields.data ?? 'null') });
          waiting.splice(0).forEach((wake) => wake());
        }
      });
    });
    req.on('error', reject);
    req.end();
    close = () => req.destroy();
  });
  return {
    opened,
    events,
    async next(): Promise<ServerEvent> {
      const deadline = Date.now() + 15_000;
      while (read >= events.length) {
        if (Date.now() > deadline) throw new Error(`no event ${read + 1} on the stream within 15 s`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 15_000);
          waiting.push(() => (clearTimeout(timer), resolve()));
        });
      }
      return events[read++]!;
    },
    close: () => close(),
  };
}
