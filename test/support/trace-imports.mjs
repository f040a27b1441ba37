// Preloaded with `node --import`: records every ESM module URL the process loads
// into the file named by TRACE_IMPORTS_FILE, so a test can assert what start-up pulls in.
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { appendFileSync } from 'node:fs';

const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => appendFileSync(process.env.TRACE_IMPORTS_FILE, url + '\n'));
port1.unref();
register(
  'data:text/javascript,' +
    encodeURIComponent(`
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`),
  import.meta.url,
  { data: { port: port2 }, transferList: [port2] },
);
