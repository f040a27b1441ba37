// A webhook app run as two cluster workers, as production Node apps often are, whose handler crashes (the
// worker exits) on one event type: `node cluster-app.mjs CRASH_TYPE`. The primary prints one JSON line per
// request any worker read ({"id","type","worker"}) and `{"listening":PORT}` once both workers listen.
import cluster from 'node:cluster';
import { createServer } from 'node:http';

const crashType = process.argv[2];

if (cluster.isPrimary) {
  let listening = 0;
  let port;
  for (let i = 0; i < 2; i++) cluster.fork();
  cluster.on('message', (worker, message) => {
    if (message.listening !== undefined) {
      port ??= message.listening;
      if (++listening === 2) console.log(JSON.stringify({ listening: port }));
    } else console.log(JSON.stringify({ ...message, worker: worker.id }));
  });
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  });
} else {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      process.send({ id: event.id, type: event.type }, () => {
        if (event.type === crashType) process.exit(1); // the handler's uncaught error: no answer
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
      });
    });
  });
  // Port 0 in every worker: the primary binds one port and shares it (cluster keys handles by address and port).
  server.listen(0, '127.0.0.1', () => process.send({ listening: server.address().port }));
}
