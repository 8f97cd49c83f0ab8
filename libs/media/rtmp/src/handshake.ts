import { createHmac, randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';
import { RtmpProtocolError } from './rtmp-error.js';

/** C1/S1/C2/S2 size (RTMP 5.2.3). */
export const HANDSHAKE_SIZE = 1536;
export const RTMP_VERSION = 3;
const DIGEST_SIZE = 32;

const KEY_TAIL = Buffer.from('f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae', 'hex');
/** Flash Player's key: its first 30 bytes sign C1 (FMS "complex" handshake, not in the public spec). */
export const GENUINE_FP_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Player 001'), KEY_TAIL]);
/** FMS's key: its first 36 bytes sign S1; all 68 derive the key that signs S2. */
export const GENUINE_FMS_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Media Server 001'), KEY_TAIL]);
const FP_KEY_SIGN = GENUINE_FP_KEY.subarray(0, 30);
const FMS_KEY_SIGN = GENUINE_FMS_KEY.subarray(0, 36);

/** FMS 3.5's version field in S1: any non-zero value tells the client S1 carries a digest. */
const SERVER_VERSION = Buffer.of(0x03, 0x05, 0x01, 0x01);

/** Which 764-byte half of the packet holds the digest: 0 = bytes 8..771 (Flash Player 9), 1 = 772..1535. */
export type DigestSchema = 0 | 1;

export interface ServerHandshakeOptions {
  /** Source of the random S1/S2 filler; injectable so tests are deterministic. */
  randomBytes?: (size: number) => Buffer;
}

export interface ServerHandshake {
  /** S0 + S1 + S2, to send as is. */
  response: Buffer;
  mode: 'digest' | 'plain';
  digestSchema?: DigestSchema;
  /** The client's version field from C1 (e.g. 0x80000702 for ffmpeg, 0 for plain clients). */
  clientVersion: number;
}

/**
 * Where the 32-byte digest sits in a 1536-byte C1/S1: the four bytes at the start of the schema's
 * block, summed, mod 728, past those four bytes (the librtmp / nginx-rtmp / FMS layout).
 */
export function digestOffset(packet: Buffer, schema: DigestSchema): number {
  const base = schema === 0 ? 8 : 772;
  const sum =
    packet.readUInt8(base) + packet.readUInt8(base + 1) + packet.readUInt8(base + 2) + packet.readUInt8(base + 3);
  return (sum % 728) + base + 4;
}

/** HMAC-SHA256 over the packet without the 32 digest bytes at `offset`. */
export function packetDigest(packet: Buffer, offset: number, key: Buffer): Buffer {
  return createHmac('sha256', key)
    .update(packet.subarray(0, offset))
    .update(packet.subarray(offset + DIGEST_SIZE))
    .digest();
}

/** The schema and digest of a validly signed packet, or undefined. */
export function findDigest(packet: Buffer, key: Buffer): { schema: DigestSchema; digest: Buffer } | undefined {
  for (const schema of [0, 1] as const) {
    const offset = digestOffset(packet, schema);
    const digest = packet.subarray(offset, offset + DIGEST_SIZE);
    if (timingSafeEqual(packetDigest(packet, offset, key), digest)) return { schema, digest };
  }
  return undefined;
}

/**
 * The server's answer to C0+C1 (exactly 1 + 1536 bytes). Tries the digest ("complex") handshake
 * Flash Player and ffmpeg speak, whose clients may check S1/S2 (ffmpeg does when playing), and falls
 * back to the plain RTMP 5.2 handshake (S2 echoes C1) when C1 carries no valid digest.
 */
export function createServerHandshake(c0c1: Buffer, options: ServerHandshakeOptions = {}): ServerHandshake {
  if (c0c1.length < 1 + HANDSHAKE_SIZE) {
    throw new RtmpProtocolError('handshake-truncated', `C0+C1 is ${c0c1.length} bytes`);
  }
  // RTMP 5.2.2: 3 is plain RTMP; 6 (RTMPE) and anything else (HTTP, TLS...) we do not speak.
  if (c0c1[0] !== RTMP_VERSION) throw new RtmpProtocolError('handshake-version', `version ${c0c1[0]}`);
  const random = options.randomBytes ?? cryptoRandomBytes;
  const c1 = c0c1.subarray(1, 1 + HANDSHAKE_SIZE);
  const clientVersion = c1.readUInt32BE(4);
  // A zero version field means a plain client: there is no digest to look for.
  const found = clientVersion === 0 ? undefined : findDigest(c1, FP_KEY_SIGN);
  const s0 = Buffer.of(RTMP_VERSION);

  if (!found) {
    // RTMP 5.2.3: S1 = time, zero, random; S2 = C1 echoed.
    const s1 = Buffer.concat([Buffer.alloc(8), randomFill(random, HANDSHAKE_SIZE - 8)]);
    return { response: Buffer.concat([s0, s1, c1]), mode: 'plain', clientVersion };
  }

  const s1 = Buffer.concat([Buffer.alloc(4), SERVER_VERSION, randomFill(random, HANDSHAKE_SIZE - 8)]);
  const s1Offset = digestOffset(s1, found.schema);
  packetDigest(s1, s1Offset, FMS_KEY_SIGN).copy(s1, s1Offset);

  const s2 = randomFill(random, HANDSHAKE_SIZE);
  const s2Key = createHmac('sha256', GENUINE_FMS_KEY).update(found.digest).digest();
  createHmac('sha256', s2Key)
    .update(s2.subarray(0, HANDSHAKE_SIZE - DIGEST_SIZE))
    .digest()
    .copy(s2, HANDSHAKE_SIZE - DIGEST_SIZE);
  return { response: Buffer.concat([s0, s1, s2]), mode: 'digest', digestSchema: found.schema, clientVersion };
}

function randomFill(random: (size: number) => Buffer, size: number): Buffer {
  const bytes = random(size);
  // A copy of exactly `size` bytes: we write into it, and an injected source may return shared memory.
  const out = Buffer.alloc(size);
  bytes.copy(out, 0, 0, size);
  return out;
}

/**
 * Collects the client's side of the handshake as it trickles in: C0+C1, answered at once with
 * S0+S1+S2, then C2, which is read and ignored (clients differ in what they put there and nothing
 * depends on it). Whatever follows C2 in the same read is chunk data and is handed back.
 */
export class ServerHandshakeReceiver {
  private readonly parts: Buffer[] = [];
  private buffered = 0;
  private stage: 'c0c1' | 'c2' | 'done' = 'c0c1';
  result: ServerHandshake | undefined;

  constructor(private readonly options: ServerHandshakeOptions = {}) {}

  get done(): boolean {
    return this.stage === 'done';
  }

  /** Returns the S0+S1+S2 response once C0+C1 is complete, and the bytes after C2 once done. */
  push(bytes: Buffer): { response?: Buffer; rest?: Buffer } {
    if (this.stage === 'done') return { rest: bytes };
    // Fail fast on a wrong first byte (an HTTP request, TLS hello) instead of waiting for 1537 bytes.
    if (this.stage === 'c0c1' && this.buffered === 0 && bytes.length > 0 && bytes[0] !== RTMP_VERSION) {
      throw new RtmpProtocolError('handshake-version', `version ${bytes[0]}`);
    }
    // A copy: the caller may reuse `bytes` (a socket's read buffer) once this returns. Once per connection.
    this.parts.push(Buffer.from(bytes));
    this.buffered += bytes.length;
    let response: Buffer | undefined;
    if (this.stage === 'c0c1' && this.buffered >= 1 + HANDSHAKE_SIZE) {
      const all = this.take(1 + HANDSHAKE_SIZE);
      this.result = createServerHandshake(all, this.options);
      response = this.result.response;
      this.stage = 'c2';
    }
    if (this.stage === 'c2' && this.buffered >= HANDSHAKE_SIZE) {
      this.take(HANDSHAKE_SIZE);
      this.stage = 'done';
      const rest = this.buffered > 0 ? this.take(this.buffered) : undefined;
      return { response, rest };
    }
    return { response };
  }

  /** The first `count` buffered bytes (joined), keeping the remainder buffered. */
  private take(count: number): Buffer {
    const only = this.parts.length === 1 ? this.parts[0] : undefined;
    const all = only ?? Buffer.concat(this.parts);
    this.parts.length = 0;
    if (all.length > count) this.parts.push(all.subarray(count));
    this.buffered -= count;
    return all.subarray(0, count);
  }
}
