// The bare undici loop: the same workers, events and headers as bare-http.js, over an undici Pool of
// `concurrency` connections, each answer's body dumped. argv and stdin as for bare-http.js.
import { Pool } from 'undici';
import { headersFor, nextBody } from './bare-events.js';

const [url, secret, total, concurrency] = process.argv.slice(2);
const target = new URL(url);
const pool = new Pool(target.origin, { connections: Number(concurrency) });
let next = 0;
const post = async (body) => {
  const { statusCode, body: answer } = await pool.request({ path: target.pathname, method: 'POST', headers: headersFor(body, secret), body });
  await answer.dump();
  if (statusCode !== 200) throw new Error('status ' + statusCode);
};
const worker = async () => {
  while (next < Number(total)) await post(nextBody(next++));
};
Promise.all(Array.from({ length: Number(concurrency) }, worker)).then(() => pool.close());
