import { createHash, X509Certificate } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';

/** A PEM certificate (the leaf first, then its chain) and its private key, as files. */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/** A pair that was read and checked: what new TLS connections are served with. */
export interface LoadedCertificate {
  context: SecureContext;
  /** The leaf certificate's notAfter. */
  notAfter: Date;
  /** SHA-256 fingerprint of the leaf, `AB:CD:…` (as tls' getPeerCertificate().fingerprint256). */
  fingerprint256: string;
  subject: string;
  /** Of the files' bytes: the same files read again are not a new certificate. */
  digest: string;
}

export type CertificateErrorCode = 'unreadable' | 'invalid-certificate' | 'invalid-key';

/** The files could not be read, or are not a certificate and the private key that goes with it. */
export class CertificateError extends Error {
  constructor(
    readonly code: CertificateErrorCode,
    message: string,
    /** Of the bytes that were read (unset when they could not be): the same bad files are reported once. */
    readonly digest?: string,
  ) {
    super(message);
    this.name = 'CertificateError';
  }
}

/** Reads both files and checks them as a pair; throws a CertificateError naming what is wrong. */
export async function loadCertificate(files: CertificateFiles): Promise<LoadedCertificate> {
  let cert: Buffer;
  let key: Buffer;
  try {
    [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
  } catch (error) {
    throw new CertificateError('unreadable', (error as Error).message);
  }
  const digest = createHash('sha256').update(cert).update('\0').update(key).digest('hex');
  let leaf: X509Certificate;
  try {
    // createSecureContext takes an empty or missing certificate without complaint: parse the leaf first.
    leaf = new X509Certificate(cert);
  } catch (error) {
    throw new CertificateError('invalid-certificate', `${files.certFile}: ${(error as Error).message}`, digest);
  }
  try {
    // Also checks that the key is the certificate's (key values mismatch).
    const context = createSecureContext({ cert, key });
    return {
      context,
      notAfter: new Date(Date.parse(leaf.validTo)),
      fingerprint256: leaf.fingerprint256,
      subject: leaf.subject,
      digest,
    };
  } catch (error) {
    throw new CertificateError('invalid-key', `${files.keyFile}: ${(error as Error).message}`, digest);
  }
}

/** What a ReloadingCertificate reports; never called for files that did not change. */
export interface CertificateReloadEvents {
  reloaded(certificate: LoadedCertificate): void;
  failed(error: CertificateError): void;
}

export interface ReloadOptions {
  /** Fallback for file systems whose change events are missed: compare the files' stat this often. */
  pollMs?: number;
  /** Changes within this long are read once (a writer touching both files, a symlink swap's several events). */
  debounceMs?: number;
  /** false: no directory watches, the poll alone (file systems without change events). */
  watch?: boolean;
}

/**
 * A certificate that follows its files: cert-manager, a Kubernetes Secret volume (whose files are symlinks
 * through `..data`, swapped atomically) or an operator replacing them. Both directories are watched and
 * their stat polled; a changed pair is read and checked, and only a good one replaces the current context.
 * A bad or half-written pair keeps the previous certificate and is reported once. Live connections keep
 * the context they were made with; `context` is what the next handshake gets.
 */
export class ReloadingCertificate {
  private readonly watchers: FSWatcher[] = [];
  private readonly poll: NodeJS.Timeout;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** The bytes (or read error) last reported as failed: not reported again until they change. */
  private lastFailure: string | undefined;
  private lastStat: string | undefined;
  private closed = false;

  private constructor(
    private readonly files: CertificateFiles,
    private current: LoadedCertificate,
    private readonly events: CertificateReloadEvents,
    options: ReloadOptions,
  ) {
    const debounceMs = options.debounceMs ?? 250;
    const schedule = () => {
      if (this.closed) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload(), debounceMs);
      this.debounce.unref();
    };
    const dirs = options.watch === false ? [] : new Set([dirname(files.certFile), dirname(files.keyFile)]);
    for (const dir of dirs) {
      try {
        const watcher = watch(dir, { persistent: false }, schedule);
        // A watched directory that goes away stops its events; the poll still sees the files.
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
      } catch {
        // Not watchable here (some network file systems): the poll alone.
      }
    }
    this.poll = setInterval(() => void this.checkStat(schedule), options.pollMs ?? 10_000);
    this.poll.unref();
    // The first stat also reads the files again: a change between the load and the watches is not missed.
    void this.checkStat(schedule);
  }

  /** Loads the pair (throws a CertificateError when it is not usable) and starts following the files. */
  static async open(
    files: CertificateFiles,
    events: CertificateReloadEvents,
    options: ReloadOptions = {},
  ): Promise<ReloadingCertificate> {
    return new ReloadingCertificate(files, await loadCertificate(files), events, options);
  }

  /** What new connections are served with. */
  get context(): SecureContext {
    return this.current.context;
  }

  get certificate(): LoadedCertificate {
    return this.current;
  }

  /** Reads the files now; concurrent calls share one read, and a call during a read reads again after it. */
  reload(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.readOnce();
      } while (this.again && !this.closed);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.debounce);
    clearInterval(this.poll);
    for (const watcher of this.watchers) watcher.close();
  }

  private async readOnce(): Promise<void> {
    if (this.closed) return;
    let next: LoadedCertificate;
    try {
      next = await loadCertificate(this.files);
    } catch (caught) {
      // Never thrown from here: this runs from timers and file events.
      const error = caught instanceof CertificateError ? caught : new CertificateError('unreadable', String(caught));
      const failure = error.digest ?? error.message;
      if (this.closed || this.lastFailure === failure) return;
      this.lastFailure = failure;
      this.events.failed(error);
      return;
    }
    this.lastFailure = undefined;
    if (this.closed || next.digest === this.current.digest) return;
    this.current = next;
    this.events.reloaded(next);
  }

  /** Device, inode, size and mtime of both files as they resolve now (through symlinks). */
  private async checkStat(changed: () => void): Promise<void> {
    const signature = await Promise.all(
      [this.files.certFile, this.files.keyFile].map((file) =>
        stat(file).then(
          (s) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`,
          (error: NodeJS.ErrnoException) => error.code ?? 'error',
        ),
      ),
    ).then((parts) => parts.join('|'));
    if (signature !== this.lastStat) changed();
    this.lastStat = signature;
  }
}
