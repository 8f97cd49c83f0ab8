// nginx + libnginx-mod-rtmp as the reference server: RTMP in, MPEG-TS HLS (2 s fragments) written to a temp
// dir and served over HTTP by the same nginx (config and process: @rapidrtmp/test-support's startNginxRtmp).
// Stopped (by pid) and removed by the run's Cleanup.
import { nginxRtmpAvailable, startNginxRtmp as startNginx } from '@rapidrtmp/test-support';
import type { Cleanup } from './bench-lifecycle.js';
import { childPids } from './bench-support.js';

/** True when nginx and the RTMP module are installed. */
export const nginxAvailable = nginxRtmpAvailable;

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

/** nginx, 1 worker, application `live` with `hls on; hls_fragment 2s;`, and the HLS files over HTTP. */
export async function startNginxRtmp(cleanup: Cleanup): Promise<NginxRtmp> {
  const nginx = await startNginx({ hls: { fragment: '2s' } });
  cleanup.add('nginx', () => nginx.stop());
  const { pid, rtmpPort, hls } = nginx;
  if (!hls) throw new Error('nginx started without HLS');
  return {
    rtmpPort,
    httpPort: hls.httpPort,
    hlsDir: hls.dir,
    hlsBaseUrl: hls.baseUrl,
    pids: () => [pid, ...childPids(pid)],
  };
}
