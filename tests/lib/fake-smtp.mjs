// A small fake SMTP server for the tests (node net + tls, on 127.0.0.1): EHLO,
// STARTTLS with the self-signed certificate of tests/fixtures/smtp (made once
// with openssl; its own CA), AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT.  It
// refuses mail before STARTTLS, and fails as the test asks, one failure per
// connection: 'hang' (never greets), 'mail451', 'rcpt550', 'data554'; and any
// address in state.unknown is refused at RCPT with a 550.
// Accepted messages are kept with their Subject decoded from RFC 2047
// encoded-words and their base64 body decoded.  Nothing calls out of the machine.
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/smtp');
export const SMTP_CA_FILE = path.join(FIX, 'cert.pem');

/** RFC 2047: =?UTF-8?B?...?= / =?UTF-8?Q?...?= words decoded; blanks between two words dropped. */
export function decodeWords(s) {
  const unfolded = s.replace(/\r\n[ \t]+/g, ' ');
  const joined = unfolded.replace(/(\?=)\s+(=\?)/g, '$1$2');
  const bytes = [];
  let rest = joined;
  const re = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/;
  for (;;) {
    const m = re.exec(rest);
    if (!m) { bytes.push(Buffer.from(rest, 'utf8')); break; }
    bytes.push(Buffer.from(rest.slice(0, m.index), 'utf8'));
    if (m[2].toUpperCase() === 'B') bytes.push(Buffer.from(m[3], 'base64'));
    else bytes.push(Buffer.from(m[3].replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1'));
    rest = rest.slice(m.index + m[0].length);
  }
  // a character split across two words decodes whole only when the bytes are joined first
  return Buffer.concat(bytes).toString('utf8');
}

function parseMessage(raw) {
  const at = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, at).replace(/\r\n[ \t]+/g, (m) => m); // keep folds for decodeWords
  const headers = {};
  for (const line of head.split(/\r\n(?![ \t])/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const bodyRaw = raw.slice(at + 4);
  const body = /base64/i.test(headers['content-transfer-encoding'] || '')
    ? Buffer.from(bodyRaw.replace(/\s+/g, ''), 'base64').toString('utf8') : bodyRaw;
  return { headers, subject: decodeWords(headers.subject || ''), body, raw };
}

export async function startFakeSmtp({ user = 'dj-mailer', password = 'Mail-Pa55-7f3', requireAuth = true } = {}) {
  const secureContext = tls.createSecureContext({
    cert: fs.readFileSync(path.join(FIX, 'cert.pem')), key: fs.readFileSync(path.join(FIX, 'key.pem')),
  });
  const state = {
    connections: 0, messages: [], failNext: [], hanging: [], sockets: new Set(),
    refused: [], // reply codes of failures the server gave
    auths: [], // {user, ok}
    unknown: new Set(), // addresses refused at RCPT with a 550
    rejectedRcpt: [], // addresses refused so far
  };
  const server = net.createServer((raw) => {
    state.connections++;
    state.sockets.add(raw);
    raw.on('close', () => state.sockets.delete(raw));
    raw.on('error', () => {});
    const fail = state.failNext.shift();
    if (fail === 'hang') { state.hanging.push(raw); return; }
    let sock = raw;
    let buf = '';
    let secure = false;
    let authed = false;
    let inData = false;
    let data = '';
    let authStep = null; // 'plain' | 'login-user' | 'login-pass'
    let loginUser = '';
    let env = { from: '', to: [] };
    const write = (s) => sock.write(`${s}\r\n`);
    const refuse = (s) => { state.refused.push(Number(s.slice(0, 3))); write(s); };
    const checkAuth = (u, p) => {
      const ok = u === user && p === password;
      state.auths.push({ user: u, ok });
      if (ok) { authed = true; write('235 2.7.0 Authentication successful'); } else refuse('535 5.7.8 Authentication credentials invalid');
    };
    const onLine = (line) => {
      if (inData) {
        if (line === '.') {
          inData = false;
          if (fail === 'data554') return refuse('554 5.6.0 Message rejected');
          state.messages.push({ ...parseMessage(data), from: env.from, to: env.to, secure, authed });
          return write('250 2.0.0 Ok: queued');
        }
        data += `${line.startsWith('..') ? line.slice(1) : line}\r\n`;
        return undefined;
      }
      if (authStep === 'plain') {
        authStep = null;
        const [, u, p] = Buffer.from(line, 'base64').toString('utf8').split('\0');
        return checkAuth(u, p);
      }
      if (authStep === 'login-user') { authStep = 'login-pass'; loginUser = Buffer.from(line, 'base64').toString('utf8'); return write('334 UGFzc3dvcmQ6'); }
      if (authStep === 'login-pass') { authStep = null; return checkAuth(loginUser, Buffer.from(line, 'base64').toString('utf8')); }
      const [verb, ...args] = line.split(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO': case 'HELO':
          write('250-fake-smtp.test');
          if (!secure) write('250-STARTTLS');
          if (secure) write('250-AUTH PLAIN LOGIN');
          return write('250 8BITMIME');
        case 'STARTTLS': {
          if (secure) return refuse('503 5.5.1 TLS already active');
          write('220 2.0.0 Ready to start TLS');
          sock.removeListener('data', onData);
          const t = new tls.TLSSocket(raw, { isServer: true, secureContext });
          t.on('error', () => {});
          sock = t;
          secure = true;
          buf = '';
          t.on('data', onData);
          return undefined;
        }
        case 'AUTH': {
          if (!secure) return refuse('530 5.7.0 Must issue a STARTTLS command first');
          const mech = (args[0] || '').toUpperCase();
          if (mech === 'PLAIN') {
            if (args[1]) { const [, u, p] = Buffer.from(args[1], 'base64').toString('utf8').split('\0'); return checkAuth(u, p); }
            authStep = 'plain';
            return write('334 ');
          }
          if (mech === 'LOGIN') {
            if (args[1]) { loginUser = Buffer.from(args[1], 'base64').toString('utf8'); authStep = 'login-pass'; return write('334 UGFzc3dvcmQ6'); }
            authStep = 'login-user';
            return write('334 VXNlcm5hbWU6');
          }
          return refuse('504 5.5.4 Unrecognized authentication type');
        }
        case 'MAIL':
          if (!secure) return refuse('530 5.7.0 Must issue a STARTTLS command first');
          if (requireAuth && !authed) return refuse('530 5.7.0 Authentication required');
          if (fail === 'mail451') return refuse('451 4.3.0 Temporary failure, try again later');
          env = { from: line.replace(/^MAIL FROM:\s*<?([^>\s]*)>?.*$/i, '$1'), to: [] };
          return write('250 2.1.0 Ok');
        case 'RCPT':
        {
          const to = line.replace(/^RCPT TO:\s*<?([^>\s]*)>?.*$/i, '$1');
          if (fail === 'rcpt550' || state.unknown.has(to)) { state.rejectedRcpt.push(to); return refuse('550 5.1.1 Recipient address rejected: User unknown'); }
          env.to.push(to);
        }
          return write('250 2.1.5 Ok');
        case 'DATA':
          inData = true;
          data = '';
          return write('354 End data with <CR><LF>.<CR><LF>');
        case 'RSET': case 'NOOP': return write('250 2.0.0 Ok');
        case 'QUIT': write('221 2.0.0 Bye'); return sock.end();
        default: return refuse('502 5.5.2 Error: command not recognized');
      }
    };
    function onData(d) {
      buf += d.toString('utf8');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        onLine(line);
        if (sock !== raw && !secure) break;
      }
    }
    raw.on('data', onData);
    write('220 fake-smtp.test ESMTP ready');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    host: 'localhost', port, user, password, caFile: SMTP_CA_FILE, state,
    async until(pred, ms = 15000) {
      const t0 = Date.now();
      while (!pred(state)) {
        if (Date.now() - t0 > ms) throw new Error(`fake SMTP: condition not met in ${ms} ms: ${JSON.stringify({ messages: state.messages.length, refused: state.refused, connections: state.connections })}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      for (const s of state.sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
