import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { ByteQueue } from './byte-queue.js';
import { HANDSHAKE_SIZE, RTMP_VERSION } from './handshake.js';
import { RtmpProtocolError } from './rtmp-error.js';

/**
 * C0 + C1 of the plain handshake (RTMP 5.2.2, 5.2.3): version 3, time 0, four zero bytes (which tell
 * the server this is not the digest handshake), then 1528 random bytes. nginx-rtmp, SRS, YouTube
 * and Twitch all accept it from a publisher.
 */
export function createClientHello(random: (size: number) => Buffer = cryptoRandomBytes): Buffer {
  const hello = Buffer.alloc(1 + HANDSHAKE_SIZE);
  hello[0] = RTMP_VERSION;
  random(HANDSHAKE_SIZE - 8).copy(hello, 9, 0, HANDSHAKE_SIZE - 8);
  return hello;
}

/**
 * Collects the server's S0+S1+S2 as they trickle in. Once complete, hands back C2 (S1 echoed, RTMP
 * 5.2.3) and whatever followed S2 in the same reads (chunk data). S2 is not checked: servers that
 * answer the plain handshake with a digest one (or a different echo) are still worth talking to.
 */
export class ClientHandshakeReceiver {
  private readonly queue = new ByteQueue();
  private complete = false;

  get done(): boolean {
    return this.complete;
  }

  push(bytes: Buffer): { c2?: Buffer; rest?: Buffer } {
    if (this.complete) return { rest: bytes };
    // Fail on a wrong S0 at once (e.g. an HTTP or TLS answer) instead of waiting for 3073 bytes.
    if (this.queue.length === 0 && bytes.length > 0 && bytes[0] !== RTMP_VERSION) {
      throw new RtmpProtocolError('handshake-version', `server version ${bytes[0]}`);
    }
    this.queue.push(bytes);
    if (this.queue.length < 1 + 2 * HANDSHAKE_SIZE) return {};
    this.complete = true;
    this.queue.skip(1);
    const c2 = Buffer.allocUnsafe(HANDSHAKE_SIZE);
    this.queue.moveInto(c2, 0, HANDSHAKE_SIZE);
    this.queue.skip(HANDSHAKE_SIZE);
    if (this.queue.length === 0) return { c2 };
    const rest = Buffer.allocUnsafe(this.queue.length);
    this.queue.moveInto(rest, 0, rest.length);
    return { c2, rest };
  }
}
