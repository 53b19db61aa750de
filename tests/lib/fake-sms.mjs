// A fake SMS gateway for the tests (node http on 127.0.0.1): it records each
// request (method, path, query, content type, body) and answers as the test
// asks, one answer per request from a queue: 'http500', 'hang' (no answer, so
// the caller times out), 'http400', 'refuse' (200 with {"code":1001,...}),
// else 200 {"code":0,"msg":"ok"}.  Nothing calls out of the machine.
import http from 'node:http';

export async function startFakeSms() {
  const state = { requests: [], failNext: [], hanging: [], sockets: new Set() };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const u = new URL(req.url, 'http://x');
      const fail = state.failNext.shift();
      state.requests.push({ method: req.method, path: u.pathname, query: Object.fromEntries(u.searchParams), contentType: req.headers['content-type'] || '', body, outcome: fail || 'ok' });
      const send = (status, obj) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
      if (fail === 'hang') { state.hanging.push(res); return undefined; }
      if (fail === 'http500') return send(500, { code: 500, msg: 'internal error' });
      if (fail === 'http400') return send(400, { code: 400, msg: 'bad request' });
      if (fail === 'refuse') return send(200, { code: 1001, msg: '余额不足' });
      return send(200, { code: 0, msg: 'ok' });
    });
  });
  server.on('connection', (s) => { state.sockets.add(s); s.on('close', () => state.sockets.delete(s)); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url, state,
    async until(pred, ms = 15000) {
      const t0 = Date.now();
      while (!pred(state)) {
        if (Date.now() - t0 > ms) throw new Error(`fake SMS gateway: condition not met in ${ms} ms (${state.requests.length} requests)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      for (const s of state.sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
