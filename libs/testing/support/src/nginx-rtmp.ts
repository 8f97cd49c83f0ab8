// nginx + libnginx-mod-rtmp as a reference RTMP server for tests and benchmarks: one foreground master
// (plus one worker) on private loopback ports, everything under a temp dir, stopped by its pid.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';

export const NGINX = '/usr/sbin/nginx';
export const NGINX_RTMP_MODULE = [
  '/usr/lib/nginx/modules/ngx_rtmp_module.so',
  '/usr/share/nginx/modules/ngx_rtmp_module.so',
].find((path) => existsSync(path));

/** True when nginx and the RTMP module are installed (`apt-get install nginx libnginx-mod-rtmp`). */
export const nginxRtmpAvailable = (): boolean => existsSync(NGINX) && NGINX_RTMP_MODULE !== undefined;

export interface NginxRtmpConfig {
  /** nginx's prefix: pid file, error log and temp paths go here. */
  dir: string;
  rtmpPort: number;
  /** nginx-rtmp's outgoing chunk size. Default 4096. */
  chunkSize?: number;
  /** The live applications (default `['live']`). */
  apps?: string[];
  /** error_log level: `warn` (default), or `info` to see each `play: name='...'` and `publish: name='...'`. */
  logLevel?: 'warn' | 'info';
  /** HLS for every app (MPEG-TS, `<name>.m3u8` in `dir`), served over HTTP on `port` under `/hls/`. */
  hls?: { dir: string; fragment: string; httpPort: number };
}

/**
 * The nginx.conf: `rtmp { application <app> { live on; ... } }` per app, players start on a video
 * keyframe (wait_key, wait_video) so a late joiner decodes cleanly; with `hls`, an `http` server for the
 * files (no access log, sendfile as Debian's default, keep-alive connections not recycled).
 */
export function nginxRtmpConfig(config: NginxRtmpConfig): string {
  const { dir, hls } = config;
  const temp = (name: string) => join(dir, `temp-${name}`);
  const apps = (config.apps ?? ['live']).map(
    (app) => `    application ${app} {
      live on;
      record off;
      wait_key on;
      wait_video on;${hls ? `\n      hls on;\n      hls_path ${hls.dir};\n      hls_fragment ${hls.fragment};` : ''}
    }`,
  );
  const http = hls
    ? `
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
    listen 127.0.0.1:${hls.httpPort};
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
`
    : '';
  return `load_module ${NGINX_RTMP_MODULE};
daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} ${config.logLevel ?? 'warn'};
events { worker_connections 1024; }
rtmp {
  server {
    listen 127.0.0.1:${config.rtmpPort};
    chunk_size ${config.chunkSize ?? 4096};
${apps.join('\n')}
  }
}
${http}`;
}

export interface NginxRtmp {
  /** The master process (its worker is its child). */
  child: ChildProcess;
  pid: number;
  rtmpPort: number;
  dir: string;
  /** With `hls`: where nginx-rtmp writes `<name>.m3u8` and `<name>-<k>.ts`, and the HTTP server for them. */
  hls?: { dir: string; httpPort: number; baseUrl: string };
  /** nginx's error log so far (warn and above). */
  errorLog(): string;
  /** SIGTERM (nginx's fast shutdown: does not wait for publishers), SIGKILL after 5 s; then removes `dir`. */
  stop(): Promise<void>;
}

export interface StartNginxRtmpOptions {
  apps?: string[];
  chunkSize?: number;
  logLevel?: NginxRtmpConfig['logLevel'];
  /** Also write HLS (2 s fragments unless given) and serve it over HTTP. */
  hls?: boolean | { fragment: string };
  /** For the ports to open. Default 10 s. */
  timeoutMs?: number;
}

/** Starts nginx-rtmp on free loopback ports; resolves once its ports accept connections. */
export async function startNginxRtmp(options: StartNginxRtmpOptions = {}): Promise<NginxRtmp> {
  if (!nginxRtmpAvailable()) throw new Error('nginx + libnginx-mod-rtmp are not installed');
  const dir = mkdtempSync(join(tmpdir(), 'rr-nginx-rtmp-'));
  chmodSync(dir, 0o755); // mkdtemp makes it 0700; the worker (nobody) must reach hls/
  const rtmpPort = await freePort();
  let hls: NginxRtmpConfig['hls'];
  if (options.hls) {
    hls = {
      dir: join(dir, 'hls'),
      fragment: typeof options.hls === 'object' ? options.hls.fragment : '2s',
      httpPort: await freePort(),
    };
    mkdirSync(hls.dir);
    chmodSync(hls.dir, 0o777); // the worker may run as nobody
  }
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxRtmpConfig({ ...options, dir, rtmpPort, hls }));
  const errorLogPath = join(dir, 'error.log');
  const child = spawn(NGINX, ['-p', `${dir}/`, '-c', conf, '-e', errorLogPath], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined); // a failed spawn has no pid: reported below
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const pid = child.pid;
  try {
    if (pid === undefined) throw new Error(`could not start ${NGINX}`);
    const timeoutMs = options.timeoutMs ?? 10_000;
    await waitForPort(rtmpPort, timeoutMs);
    if (hls) await waitForPort(hls.httpPort, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    child,
    pid,
    rtmpPort,
    dir,
    hls: hls && { dir: hls.dir, httpPort: hls.httpPort, baseUrl: `http://127.0.0.1:${hls.httpPort}/hls/` },
    errorLog: () => (existsSync(errorLogPath) ? readFileSync(errorLogPath, 'utf8') : ''),
    stop,
  };
}
