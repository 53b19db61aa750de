// A small fake of the 企业微信/粤政易 server API for the tests (node http, on
// 127.0.0.1): gettoken, auth/getuserinfo and message/send, with failures the
// test asks for (an errcode, an expired token, a hang, an HTTP 500).  Nothing
// ever calls out of the machine.
import http from 'node:http';

export async function startFakeWecom({ corpId = 'ww-test', secret = 'S3cret-Fake-9d1', users = {}, authorizeCode = 'CODE-LI', rate = 0 } = {}) {
  const state = {
    tokens: 0, // tokens handed out
    messages: [], // message/send bodies accepted (errcode 0)
    attempts: 0, // message/send calls of any outcome
    failNext: [], // queue of failures for the next message/send calls: 'busy' | 'expired' | 'hang' | 'http500'
    hanging: [],
    limited: 0, // message/send calls refused by the rate limit (45009)
  };
  let second = 0;
  let inSecond = 0;
  let current = '';
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const send = (obj, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (u.pathname === '/cgi-bin/gettoken') {
        if (u.searchParams.get('corpid') !== corpId || u.searchParams.get('corpsecret') !== secret) {
          return send({ errcode: 40001, errmsg: 'invalid credential' });
        }
        state.tokens++;
        current = `TOKEN-${state.tokens}`;
        return send({ errcode: 0, errmsg: 'ok', access_token: current, expires_in: 7200 });
      }
      // the work app's authorize page: it knows the phone's user and sends it back with a code
      if (u.pathname === '/connect/oauth2/authorize') {
        const back = new URL(u.searchParams.get('redirect_uri'));
        back.searchParams.set('code', authorizeCode);
        back.searchParams.set('state', u.searchParams.get('state') || '');
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (u.searchParams.get('access_token') !== current) return send({ errcode: 42001, errmsg: 'access_token expired' });
      if (u.pathname === '/cgi-bin/auth/getuserinfo') {
        const who = users[u.searchParams.get('code')];
        return who ? send({ errcode: 0, errmsg: 'ok', userid: who }) : send({ errcode: 40029, errmsg: 'invalid code' });
      }
      if (u.pathname === '/cgi-bin/message/send' && req.method === 'POST') {
        state.attempts++;
        const now = Math.floor(Date.now() / 1000);
        if (now !== second) { second = now; inSecond = 0; }
        if (rate && ++inSecond > rate) { state.limited++; return send({ errcode: 45009, errmsg: 'api freq out of limit' }); }
        const fail = state.failNext.shift();
        if (fail === 'busy') return send({ errcode: -1, errmsg: 'system busy' });
        if (fail === 'expired') { current = 'stale'; return send({ errcode: 42001, errmsg: 'access_token expired' }); }
        if (fail === 'http500') return send({ error: 'oops' }, 500);
        if (fail === 'hang') { state.hanging.push(res); return undefined; }
        let msg;
        try { msg = JSON.parse(body); } catch { return send({ errcode: 44004, errmsg: 'bad json' }); }
        state.messages.push(msg);
        return send({ errcode: 0, errmsg: 'ok', msgid: `m${state.messages.length}` });
      }
      return send({ errcode: 404, errmsg: 'not found' }, 404);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url, corpId, secret, state,
    /** Waits until pred(state) holds (or throws after ms). */
    async until(pred, ms = 15000, what = 'the fake 企业微信 server') {
      const end = Date.now() + ms;
      while (!pred(state)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ tokens: state.tokens, attempts: state.attempts, messages: state.messages.map((m) => [m.touser, m.textcard?.title]) })}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop() {
      for (const res of state.hanging) res.destroy();
      server.closeAllConnections?.();
      return new Promise((r) => server.close(r));
    },
  };
}
