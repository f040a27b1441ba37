// The bare node:http loop: `concurrency` workers, each signs and POSTs its share of events one at a time over a
// keep-alive agent. argv: url secret total concurrency; the dry run's JSON (the templates) on stdin.
import http from 'node:http';
import { headersFor, nextBody } from './bare-events.js';

const [url, secret, total, concurrency] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
let next = 0;
const post = (body) =>
  new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: headersFor(body, secret) }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('status ' + res.statusCode))));
    });
    req.on('error', reject);
    req.end(body);
  });
const worker = async () => {
  while (next < Number(total)) await post(nextBody(next++));
};
Promise.all(Array.from({ length: Number(concurrency) }, worker)).then(() => agent.destroy());
