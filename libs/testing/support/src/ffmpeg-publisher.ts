import { type ChildProcess, spawn } from 'node:child_process';

export interface PublisherExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** The real ffmpeg, publishing a file to an RTMP URL (`-c copy`, at native speed unless told otherwise). */
export class FfmpegPublisher {
  readonly exited: Promise<PublisherExit>;
  private stderr = '';

  private constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-20_000);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, stderr: this.stderr }));
    });
  }

  /**
   * @param inputArgs e.g. `['-re', '-i', clip]`; `-c copy -f flv <url>` is appended unless `outputArgs` is given.
   */
  static start(url: string, inputArgs: string[], outputArgs: string[] = ['-c', 'copy']): FfmpegPublisher {
    const child = spawn(
      'ffmpeg',
      ['-hide_banner', '-v', 'warning', '-nostdin', ...inputArgs, ...outputArgs, '-f', 'flv', url],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    return new FfmpegPublisher(child);
  }

  get log(): string {
    return this.stderr;
  }

  /** Resolves with the exit, killing ffmpeg if it has not exited within `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<PublisherExit & { timedOut: boolean }> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.child.kill('SIGKILL');
    }, timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return { ...exit, timedOut };
  }

  async stop(): Promise<PublisherExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}
