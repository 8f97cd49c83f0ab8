import { decodeAmf0, encodeAmf0, type AmfValue } from '@rapidrtmp/amf';
import { ChunkReader, type RtmpMessage } from '../chunk-reader.js';
import { ChunkWriter } from '../chunk-writer.js';
import { decodeControlMessage, setChunkSizeMessage, userControlMessage } from '../control-messages.js';
import { HANDSHAKE_SIZE } from '../handshake.js';
import { MessageType } from '../message-types.js';

/** Builds what an RTMP client sends, for specs: handshake bytes and chunked messages. */
export class TestClient {
  private readonly writer = new ChunkWriter();

  /** C0 + C1 (plain: zero version) + C2. */
  handshake(c1: Buffer = Buffer.alloc(HANDSHAKE_SIZE, 7)): Buffer {
    return Buffer.concat([Buffer.of(3), c1, Buffer.alloc(HANDSHAKE_SIZE)]);
  }

  message(message: Partial<RtmpMessage> & Pick<RtmpMessage, 'typeId' | 'payload'>): Buffer {
    return this.writer.write({ chunkStreamId: 3, messageStreamId: 0, timestamp: 0, ...message });
  }

  command(name: string, transactionId: number, commandObject: AmfValue, args: AmfValue[] = [], streamId = 0): Buffer {
    const payload = encodeAmf0(name, transactionId, commandObject, ...args);
    return this.message({ typeId: MessageType.CommandAmf0, payload, messageStreamId: streamId });
  }

  /** A type-17 command: format byte 0, then AMF0 values (objects switched to AMF3 by the caller). */
  amf3Command(values: Buffer, streamId = 0): Buffer {
    const payload = Buffer.concat([Buffer.of(0), values]);
    return this.message({ typeId: MessageType.CommandAmf3, payload, messageStreamId: streamId });
  }

  setChunkSize(size: number): Buffer {
    const bytes = this.writer.write(setChunkSizeMessage(size));
    this.writer.setChunkSize(size);
    return bytes;
  }

  /** handshake + connect + createStream + publish, as ffmpeg orders them. */
  publishSequence(streamName = 'testkey', app = 'live'): Buffer {
    return Buffer.concat([
      this.handshake(),
      this.command('connect', 1, { app, tcUrl: `rtmp://127.0.0.1/${app}`, flashVer: 'FMLE/3.0' }),
      this.command('releaseStream', 2, null, [streamName]),
      this.command('FCPublish', 3, null, [streamName]),
      this.command('createStream', 4, null),
      this.command('publish', 5, null, [streamName, 'live'], 1),
    ]);
  }

  /** handshake + connect + createStream + getStreamLength + play + Set Buffer Length, as `ffmpeg -i rtmp://…` orders them. */
  playSequence(streamName: string, app = 'live'): Buffer {
    return Buffer.concat([
      this.handshake(),
      this.command('connect', 1, { app, tcUrl: `rtmp://127.0.0.1/${app}`, flashVer: 'LNX 9,0,124,2' }),
      this.command('createStream', 2, null),
      this.command('getStreamLength', 3, null, [streamName]),
      this.command('play', 4, null, [streamName, -2000], 1),
      this.message(userControlMessage({ event: 'set-buffer-length', streamId: 1, bufferLengthMs: 3000 })),
    ]);
  }
}

export interface DecodedServerMessage extends RtmpMessage {
  /** AMF0 values for command/data messages. */
  values?: AmfValue[];
}

/** Parses what the session sends back: S0+S1+S2, then chunks (honouring its Set Chunk Size). */
export class ServerOutput {
  readonly messages: DecodedServerMessage[] = [];
  handshake = Buffer.alloc(0);
  private readonly reader = new ChunkReader();

  push(bytes: Buffer | Buffer[]): void {
    for (let part of Array.isArray(bytes) ? bytes : [bytes]) {
      const missing = 1 + 2 * HANDSHAKE_SIZE - this.handshake.length;
      if (missing > 0) {
        this.handshake = Buffer.concat([this.handshake, part.subarray(0, missing)]);
        part = part.subarray(missing);
      }
      for (const message of this.reader.push(part)) {
        const control = decodeControlMessage(message.typeId, message.payload);
        if (control?.type === 'set-chunk-size') this.reader.setChunkSize(control.chunkSize);
        const isAmf = message.typeId === MessageType.CommandAmf0 || message.typeId === MessageType.DataAmf0;
        this.messages.push(isAmf ? { ...message, values: decodeAmf0(message.payload) } : message);
      }
    }
  }

  /** Command names in order, e.g. `['_result', 'onStatus']`. */
  commandNames(): string[] {
    // A command message starts with its name (RTMP 7.1.1), an AMF string.
    return this.messages.flatMap((m) => (typeof m.values?.[0] === 'string' ? [m.values[0]] : []));
  }

  take(): DecodedServerMessage[] {
    return this.messages.splice(0);
  }
}
