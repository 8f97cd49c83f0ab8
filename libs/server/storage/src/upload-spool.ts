import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { objectKeyProblem } from './object-key.js';
import { writeAll } from './write-all.js';

/** One upload kept on local disk until the store takes it. */
export interface SpoolEntry {
  /** File name inside the spool folder. */
  file: string;
  key: string;
  contentType: string;
  /** Orders writes of one key: a higher seq is a newer value (see WriteBehindUploader). */
  seq: number;
  /** Bytes on disk (header + body), what the spool bound counts. */
  diskBytes: number;
}

interface SpoolHeader {
  key: string;
  contentType: string;
  seq: number;
  spooledAt: string;
}

/** "RRSPOOL1", then a uint32 header length, the JSON header and the body: one file per upload. */
const MAGIC = Buffer.from('RRSPOOL1');
const SUFFIX = '.spool';

/**
 * A folder of pending uploads bounded in bytes. Each is written to a temp file and renamed, so a crash
 * leaves whole entries only; temp leftovers and unreadable files are removed when the spool opens. Space is
 * reserved before a write starts, so concurrent writes never overshoot the bound.
 */
export class UploadSpool {
  private reservedBytes = 0;
  private opened: Promise<SpoolEntry[]> | undefined;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** Bytes the spool holds (or has reserved for writes in progress). */
  get bytes(): number {
    return this.reservedBytes;
  }

  /** Scans the folder once (later calls share the result): the entries left by earlier runs, oldest first. */
  open(): Promise<SpoolEntry[]> {
    this.opened ??= this.scan();
    return this.opened;
  }

  /** Writes an entry, or returns undefined when it would not fit under `maxBytes`. */
  async write(key: string, contentType: string, seq: number, parts: Buffer[]): Promise<SpoolEntry | undefined> {
    await this.open();
    const header = Buffer.from(
      JSON.stringify({ key, contentType, seq, spooledAt: new Date().toISOString() } satisfies SpoolHeader),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    const diskBytes = MAGIC.length + 4 + header.length + parts.reduce((sum, part) => sum + part.length, 0);
    if (this.reservedBytes + diskBytes > this.maxBytes) return undefined;
    this.reservedBytes += diskBytes;
    const file = `${String(seq).padStart(17, '0')}-${randomBytes(4).toString('hex')}${SUFFIX}`;
    const temp = join(this.dir, `~${file}.tmp`);
    try {
      const handle = await open(temp, 'wx');
      try {
        await writeAll(handle, [MAGIC, length, header, ...parts]);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(temp, join(this.dir, file));
      return { file, key, contentType, seq, diskBytes };
    } catch (error) {
      this.reservedBytes -= diskBytes;
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  /** The body of an entry. */
  async read(entry: SpoolEntry): Promise<Buffer> {
    const data = await readFile(join(this.dir, entry.file));
    const parsed = parseEntry(data);
    if (!parsed) throw new Error(`spool entry ${entry.file} is corrupt`);
    return parsed.body;
  }

  /** Deletes an entry and frees its bytes (also when the file is already gone). */
  async remove(entry: SpoolEntry): Promise<void> {
    try {
      await unlink(join(this.dir, entry.file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.reservedBytes -= entry.diskBytes;
  }

  private async scan(): Promise<SpoolEntry[]> {
    await mkdir(this.dir, { recursive: true });
    const entries: SpoolEntry[] = [];
    for (const name of (await readdir(this.dir)).sort()) {
      const path = join(this.dir, name);
      if (name.startsWith('~') && name.endsWith('.tmp')) {
        await unlink(path).catch(() => undefined); // a write cut short by a crash
        continue;
      }
      if (!name.endsWith(SUFFIX)) continue;
      const found = await readEntryHeader(path).catch(() => undefined);
      if (!found) {
        await unlink(path).catch(() => undefined); // not ours, or damaged: it can never be uploaded
        continue;
      }
      const { header, size } = found;
      entries.push({ file: name, key: header.key, contentType: header.contentType, seq: header.seq, diskBytes: size });
      this.reservedBytes += size;
    }
    return entries.sort((a, b) => a.seq - b.seq);
  }
}

/** The header only, without reading the body: opening a full spool stays cheap. */
async function readEntryHeader(path: string): Promise<{ header: SpoolHeader; size: number } | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const prefix = Buffer.alloc(MAGIC.length + 4);
    const { bytesRead } = await handle.read(prefix, 0, prefix.length, 0);
    if (bytesRead < prefix.length || !prefix.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const headerLength = prefix.readUInt32BE(MAGIC.length);
    if (prefix.length + headerLength > size || headerLength > 64 * 1024) return undefined;
    const raw = Buffer.alloc(headerLength);
    await handle.read(raw, 0, headerLength, prefix.length);
    const header = parseHeader(raw);
    return header && { header, size };
  } finally {
    await handle.close();
  }
}

function parseEntry(data: Buffer): { header: SpoolHeader; body: Buffer } | undefined {
  if (data.length < MAGIC.length + 4 || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const bodyStart = MAGIC.length + 4 + data.readUInt32BE(MAGIC.length);
  if (bodyStart > data.length) return undefined;
  const header = parseHeader(data.subarray(MAGIC.length + 4, bodyStart));
  return header && { header, body: data.subarray(bodyStart) };
}

function parseHeader(raw: Buffer): SpoolHeader | undefined {
  try {
    const header = JSON.parse(raw.toString('utf8')) as SpoolHeader;
    const valid =
      objectKeyProblem(header.key) === undefined &&
      typeof header.contentType === 'string' &&
      Number.isSafeInteger(header.seq);
    return valid ? header : undefined;
  } catch {
    return undefined;
  }
}
