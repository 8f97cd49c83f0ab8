// nginx + libnginx-mod-rtmp as the reference server: RTMP in, MPEG-TS HLS (2 s fragments) written to a temp
// dir and served over HTTP by the same nginx. Stopped (by pid) and removed by the run's Cleanup.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@rapidrtmp/test-support';
import { type Cleanup, track } from './bench-lifecycle.js';
import { childPids } from './bench-support.js';

export const NGINX = '/usr/sbin/nginx';
export const NGINX_MODULE = [
  '/usr/lib/nginx/modules/ngx_rtmp_module.so',
  '/usr/share/nginx/modules/ngx_rtmp_module.so',
].find((path) => existsSync(path));

/** True when nginx and the RTMP module are installed. */
export const nginxAvailable = (): boolean => existsSync(NGINX) && NGINX_MODULE !== undefined;

export interface NginxRtmp {
  rtmpPort: number;
  httpPort: number;
  /** Where nginx-rtmp writes `<name>.m3u8` and `<name>-<k>.ts`. */
  hlsDir: string;
  /** `http://127.0.0.1:<httpPort>/hls/` + `<name>.m3u8`: the same files served by the same nginx. */
  hlsBaseUrl: string;
  /** Master + worker. */
  pids: () => number[];
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
export function waitForPort(port: number, timeoutMs: number): Promise<true> {
  return waitFor(
    `port ${port}`,
    () =>
      new Promise<true | undefined>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(undefined));
      }),
    timeoutMs,
  );
}

/**
 * nginx 1 worker: `rtmp { application live { live on; hls on; hls_fragment 2s; } }` and
 * `http { location /hls { ... } }` serving the HLS files (no access log, as RapidRTMP logs no requests;
 * sendfile as in Debian's default nginx.conf; keep-alive connections not recycled after 1,000 requests).
 */
export async function startNginxRtmp(cleanup: Cleanup): Promise<NginxRtmp> {
  if (!NGINX_MODULE) throw new Error('libnginx-mod-rtmp is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'rr-bench-nginx-'));
  chmodSync(dir, 0o755); // mkdtemp makes it 0700; the worker (nobody) must reach hls/
  cleanup.add('nginx temp dir', () => rmSync(dir, { recursive: true, force: true }));
  const hlsDir = join(dir, 'hls');
  mkdirSync(hlsDir);
  chmodSync(hlsDir, 0o777); // the worker may run as nobody
  const rtmpPort = await freePort();
  const httpPort = await freePort();
  const conf = join(dir, 'nginx.conf');
  const temp = (name: string) => join(dir, `temp-${name}`);
  writeFileSync(
    conf,
    `load_module ${NGINX_MODULE};
daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    chunk_size 4096;
    application live {
      live on;
      record off;
      hls on;
      hls_path ${hlsDir};
      hls_fragment 2s;
    }
  }
}
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  server {
    listen 127.0.0.1:${httpPort};
    location /hls {
      types {
        application/vnd.apple.mpegurl m3u8;
        video/mp2t ts;
      }
      root ${dir};
      add_header Cache-Control no-cache;
      add_header Access-Control-Allow-Origin *;
    }
  }
}
`,
  );
  const master = spawn(NGINX, ['-p', `${dir}/`, '-c', conf, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  // SIGQUIT would wait for the publishers' connections; SIGTERM is nginx's fast shutdown.
  track(cleanup, 'nginx', master, 'SIGTERM');
  await waitForPort(rtmpPort, 10_000);
  await waitForPort(httpPort, 10_000);
  return {
    rtmpPort,
    httpPort,
    hlsDir,
    hlsBaseUrl: `http://127.0.0.1:${httpPort}/hls/`,
    pids: () => [master.pid!, ...childPids(master.pid!)],
  };
}
