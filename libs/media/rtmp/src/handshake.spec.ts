import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  createServerHandshake,
  GENUINE_FMS_KEY,
  GENUINE_FP_KEY,
  HANDSHAKE_SIZE,
  RtmpProtocolError,
  ServerHandshakeReceiver,
  type DigestSchema,
} from './index.js';
import { SeededRandom } from '@rapidrtmp/media-core/testing';

const hmac = (key: Buffer, ...parts: Buffer[]): Buffer => {
  const h = createHmac('sha256', key);
  parts.forEach((p) => h.update(p));
  return h.digest();
};

/** Written from the client's point of view (librtmp/ffmpeg), independent of handshake.ts. */
function offsetOf(packet: Buffer, schema: DigestSchema): number {
  const base = schema === 0 ? 8 : 772;
  return ((packet[base]! + packet[base + 1]! + packet[base + 2]! + packet[base + 3]!) % 728) + base + 4;
}

function signedC1(schema: DigestSchema, random: SeededRandom): Buffer {
  const c1 = random.bytes(HANDSHAKE_SIZE);
  c1.writeUInt32BE(0, 0);
  c1.writeUInt32BE(0x80000702, 4); // Flash Player 9-style version field
  const offset = offsetOf(c1, schema);
  hmac(GENUINE_FP_KEY.subarray(0, 30), c1.subarray(0, offset), c1.subarray(offset + 32)).copy(c1, offset);
  return c1;
}

function verifyDigestResponse(response: Buffer, c1: Buffer, schema: DigestSchema): void {
  assert.equal(response.length, 1 + 2 * HANDSHAKE_SIZE);
  assert.equal(response[0], 3);
  const s1 = response.subarray(1, 1 + HANDSHAKE_SIZE);
  const s2 = response.subarray(1 + HANDSHAKE_SIZE);
  assert.notEqual(s1.readUInt32BE(4), 0, 'S1 version field must be non-zero in digest mode');
  const s1Offset = offsetOf(s1, schema);
  const s1Digest = hmac(GENUINE_FMS_KEY.subarray(0, 36), s1.subarray(0, s1Offset), s1.subarray(s1Offset + 32));
  assert.deepEqual(s1.subarray(s1Offset, s1Offset + 32), s1Digest, 'S1 digest must validate with the FMS key');
  const c1Offset = offsetOf(c1, schema);
  const s2Key = hmac(GENUINE_FMS_KEY, c1.subarray(c1Offset, c1Offset + 32));
  assert.deepEqual(s2.subarray(HANDSHAKE_SIZE - 32), hmac(s2Key, s2.subarray(0, HANDSHAKE_SIZE - 32)), 'S2 signature');
}

const deterministic = (seed: number) => {
  const random = new SeededRandom(seed);
  return (size: number) => random.bytes(size);
};

describe('server handshake', () => {
  for (const schema of [0, 1] as const) {
    it(`answers a digest C1 (schema ${schema}) with a signed S1 and S2`, () => {
      const c1 = signedC1(schema, new SeededRandom(10 + schema));
      const result = createServerHandshake(Buffer.concat([Buffer.of(3), c1]), { randomBytes: deterministic(1) });
      assert.equal(result.mode, 'digest');
      assert.equal(result.digestSchema, schema);
      verifyDigestResponse(result.response, c1, schema);
    });
  }

  it('validates the C1 ffmpeg really sent (captured) and signs the answer', () => {
    const capture = readFileSync(new URL('../fixtures/ffmpeg-h264-aac.bin', import.meta.url));
    const result = createServerHandshake(capture.subarray(0, 1 + HANDSHAKE_SIZE));
    assert.equal(result.mode, 'digest');
    assert.equal(result.digestSchema, 0);
    assert.equal(result.clientVersion, 0x09007c02);
    verifyDigestResponse(result.response, capture.subarray(1, 1 + HANDSHAKE_SIZE), 0);
  });

  it('falls back to the plain handshake: S2 echoes C1', () => {
    const random = new SeededRandom(3);
    for (const c1 of [Buffer.alloc(HANDSHAKE_SIZE), random.bytes(HANDSHAKE_SIZE)]) {
      const result = createServerHandshake(Buffer.concat([Buffer.of(3), c1]), { randomBytes: deterministic(2) });
      assert.equal(result.mode, 'plain');
      assert.equal(result.response[0], 3);
      assert.equal(result.response.readUInt32BE(1 + 4), 0, 'plain S1 has a zero version field');
      assert.deepEqual(result.response.subarray(1 + HANDSHAKE_SIZE), c1);
    }
  });

  it('GStreamer rtmp2sink (captured) speaks the plain handshake', () => {
    const capture = readFileSync(new URL('../fixtures/gstreamer-h264-aac.bin', import.meta.url));
    const result = createServerHandshake(capture.subarray(0, 1 + HANDSHAKE_SIZE));
    assert.equal(result.mode, 'plain');
    assert.equal(result.clientVersion, 0);
  });

  it('is deterministic with injected randomness', () => {
    const c0c1 = Buffer.concat([Buffer.of(3), signedC1(0, new SeededRandom(5))]);
    const a = createServerHandshake(c0c1, { randomBytes: deterministic(9) });
    const b = createServerHandshake(c0c1, { randomBytes: deterministic(9) });
    assert.deepEqual(a.response, b.response);
  });

  it('rejects other versions and short input with typed errors', () => {
    const code = (run: () => unknown, expected: string) =>
      assert.throws(run, (e: unknown) => e instanceof RtmpProtocolError && e.code === expected);
    code(() => createServerHandshake(Buffer.concat([Buffer.of(6), Buffer.alloc(HANDSHAKE_SIZE)])), 'handshake-version');
    code(() => createServerHandshake(Buffer.alloc(100, 3)), 'handshake-truncated');
    code(() => new ServerHandshakeReceiver().push(Buffer.from('GET / HTTP/1.1\r\n')), 'handshake-version');
  });

  it('receives the handshake byte by byte and hands back what follows C2', () => {
    const receiver = new ServerHandshakeReceiver({ randomBytes: deterministic(4) });
    const input = Buffer.concat([
      Buffer.of(3),
      Buffer.alloc(HANDSHAKE_SIZE, 1),
      Buffer.alloc(HANDSHAKE_SIZE, 2),
      Buffer.of(0xaa, 0xbb),
    ]);
    const responses: Buffer[] = [];
    const rest: Buffer[] = [];
    for (let i = 0; i < input.length - 2; i++) {
      const out = receiver.push(input.subarray(i, i + 1));
      if (out.response) responses.push(out.response);
      if (out.rest) rest.push(out.rest);
    }
    assert.equal(responses.length, 1);
    assert.equal(receiver.done, true);
    assert.deepEqual(receiver.push(input.subarray(-2)).rest, Buffer.of(0xaa, 0xbb));
    assert.equal(rest.length, 0);

    const whole = new ServerHandshakeReceiver().push(input);
    assert.ok(whole.response);
    assert.deepEqual(whole.rest, Buffer.of(0xaa, 0xbb));
  });
});
