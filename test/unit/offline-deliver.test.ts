/** The offline sender's failures, from real loopback apps: an answer that is not valid HTTP says so, as the relay's does. */
import { describe, expect, it } from 'vitest';
import { createDeliverer, webhookHeaders } from '../../src/offline/deliver.js';
import { app, closeAfterEach } from '../support/relay-harness.js';

closeAfterEach();

describe('createDeliverer', () => {
  it('an answer with both Content-Length and Transfer-Encoding is a reset that says the answer is not valid HTTP', async () => {
    const target = await app((request) => request.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'));
    const deliverer = createDeliverer();
    try {
      const body = '{"id":"evt_1","type":"charge.succeeded"}';
      expect(await deliverer.post(new URL(`${target.origin}/webhook`), body, webhookHeaders(body, 't=1,v1=x'))).toMatchObject({
        status: null,
        failure: 'reset',
        error: "the app's answer is not valid HTTP (Content-Length with Transfer-Encoding, or two Content-Lengths)",
      });
    } finally {
      deliverer.close();
    }
  });
});
