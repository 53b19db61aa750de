// Several `dangjian serve` on one PostgreSQL behind Debian's nginx (nginx-light),
// for tests/cluster. Needs DJ_PG (tests/with-pg sets it).
import { childEnv } from './clock.mjs';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT, PASSWORD, Client, freePort } from './server.mjs';

export const NGINX = process.env.DJ_NGINX || '/usr/sbin/nginx';

let databases = 0;

/** A new, empty PostgreSQL database in the tests' cluster; its URL. */
export function emptyDatabase() {
  if (!process.env.DJ_PG) throw new Error('the cluster tests need PostgreSQL (run them through tests/with-pg)');
  const [host, port] = process.env.DJ_PG.split(':');
  const name = `djc_${process.pid}_${++databases}`;
  execFileSync('createdb', ['-h', host, '-p', port, '-U', 'dj', name]);
  return `postgresql://dj@/${name}?host=${encodeURIComponent(host)}&port=${port}`;
}

async function waitHealthy(url, proc, stderr, what) {
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) return;
    } catch { /* not up yet */ }
    if (i > 400 || proc.exitCode !== null) throw new Error(`${what} did not start:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts one `dangjian serve` on db (it migrates at start); resolves once it answers. */
export async function startNode({ db, keyFile, dir, args = [], env = {}, trust = true }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', path.join(ROOT, 'web/dist'),
    ...(keyFile ? ['--key-file', keyFile] : []), ...(trust ? ['--trusted-proxy', '127.0.0.1'] : []), ...args],
  { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv(env) });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  await waitHealthy(url, proc, () => stderr, `server on ${port}`);
  return {
    url, port, proc, dir,
    get stderr() { return stderr; },
    client: () => new Client(url),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const { code, signal } = await exited;
      if (code !== 0 && signal !== 'SIGKILL') throw new Error(`server exited with ${code ?? signal}:\n${stderr.slice(-4000)}`);
    },
    kill() { proc.kill('SIGKILL'); return exited; },
  };
}

/** nginx in front of the given ports; resolves once it answers. */
export async function startNginx(dir, ports) {
  const port = await freePort();
  const ndir = path.join(dir, 'nginx');
  mkdirSync(ndir, { recursive: true });
  const conf = `
${process.getuid && process.getuid() === 0 ? 'user root;' : ''}
worker_processes 2;
daemon off;
pid ${ndir}/nginx.pid;
error_log ${ndir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${ndir}/body;
  proxy_temp_path ${ndir}/proxy;
  fastcgi_temp_path ${ndir}/fastcgi;
  uwsgi_temp_path ${ndir}/uwsgi;
  scgi_temp_path ${ndir}/scgi;
  client_max_body_size 64m;
  upstream dangjian {
    ${ports.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n    ')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://dangjian;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_next_upstream error timeout;
      proxy_request_buffering off;
    }
  }
}
`;
  writeFileSync(path.join(ndir, 'nginx.conf'), conf);
  const proc = spawn(NGINX, ['-p', ndir, '-c', path.join(ndir, 'nginx.conf'), '-e', path.join(ndir, 'error.log')],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, proc, () => stderr + safeRead(path.join(ndir, 'error.log')), 'nginx');
  return {
    url, port, proc,
    async stop() { proc.kill('SIGQUIT'); await exited; },
  };
}

function safeRead(p) { try { return readFileSync(p, 'utf8'); } catch { return ''; } }

/**
 * A cluster: n servers started at the same moment on db (a fresh empty
 * database unless given), nginx in front. `init` runs `dangjian init` once the
 * servers are up (the three administrators, password PASSWORD).
 */
export async function startCluster({ n = 3, db, init = true, args = [], env = {} } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'dj-cluster-'));
  db = db || emptyDatabase();
  // the seal key every server shares (init keeps a key file that exists)
  const keyFile = path.join(dir, 'seal.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  const started = await Promise.allSettled(Array.from({ length: n }, () => startNode({ db, keyFile, dir, args, env })));
  const nodes = started.filter((x) => x.status === 'fulfilled').map((x) => x.value);
  let nginx;
  try {
    const failed = started.find((x) => x.status === 'rejected');
    if (failed) throw failed.reason;
    if (init) execFileSync(BIN, ['init', '--db', db, '--admin-password', PASSWORD, '--key-file', keyFile], { env: childEnv(), stdio: 'pipe' });
    nginx = await startNginx(dir, nodes.map((s) => s.port));
  } catch (e) { // leave nothing running behind a failed start
    for (const s of nodes) await s.kill();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    db, dir, keyFile, nodes, nginx, url: nginx.url,
    client: () => new Client(nginx.url),
    async stop() {
      await nginx.stop();
      const errs = [];
      for (const s of nodes) await s.stop().catch((e) => errs.push(e));
      rmSync(dir, { recursive: true, force: true });
      if (errs.length) throw errs[0];
    },
  };
}

/**
 * startServer()'s cluster mode (DJ_CLUSTER=N with DJ_PG): N servers on the test's
 * database behind nginx, answering to the same interface as one server (url,
 * db, dir, keyFile, stderr, client, stop). A test's own --trusted-proxy is kept;
 * without one, nginx's address is trusted.
 */
export async function startClusterOn({ n, db, dir, keyFile, args = [], env = {} }) {
  const trust = !args.includes('--trusted-proxy');
  const started = await Promise.allSettled(Array.from({ length: n }, () => startNode({ db, keyFile, dir, args, env, trust })));
  const nodes = started.filter((x) => x.status === 'fulfilled').map((x) => x.value);
  let nginx;
  try {
    const failed = started.find((x) => x.status === 'rejected');
    if (failed) throw failed.reason;
    nginx = await startNginx(dir, nodes.map((s) => s.port));
  } catch (e) {
    for (const s of nodes) await s.kill();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: nginx.url, db, dir, keyFile, nodes, proc: nodes[0].proc,
    get stderr() { return nodes.map((s) => s.stderr).join(''); },
    client: () => new Client(nginx.url),
    async stop() {
      await nginx.stop();
      const errs = [];
      for (const s of nodes) await s.stop().catch((e) => errs.push(e));
      rmSync(dir, { recursive: true, force: true });
      if (errs.length) throw errs[0];
    },
  };
}
