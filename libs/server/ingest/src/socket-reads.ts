// Socket reads into one reused buffer instead of a fresh ArrayBuffer per read.
//
// Node reads a socket into a new 64 KiB ArrayBuffer each time and shrinks it to what arrived: at 25
// publishers that is ~8 MB/s of ArrayBuffer memory the GC must find and free, and ArrayBuffer memory
// allocated between two full GCs is what starts the next one (bench/README.md, sixth and seventh rounds).
// The RTMP session copies every message body out of the read at once and keeps nothing of it past
// `receive` (a partial chunk header is copied), so all plain RTMP sockets can share one read buffer:
// reads run one at a time on this thread and each is handled before the next.
//
// Node offers this as the `onread` option of sockets it creates for `net.connect`, not for the sockets a
// server accepts; the same mechanism is switched on here for an accepted socket, through the (internal)
// fields `onread` sets. Where they are missing (another Node version, a TLS socket) reads fall back to
// 'data' events: same behaviour, only the per-read allocation comes back. `startReading` says which.
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

/** One read's worth: what Node itself asks the kernel for per read. */
export const SHARED_READ_BUFFER_BYTES = 64 * 1024;

let sharedReadBuffer: Buffer | undefined;

interface UserBufferFields {
  buffer: symbol;
  callback: symbol;
  generator: symbol;
}

/** The fields net.Socket's `onread` option sets, found on `socket`; undefined if this Node has none. */
function userBufferFields(socket: Socket): UserBufferFields | undefined {
  const byName = new Map(Object.getOwnPropertySymbols(socket).map((symbol) => [symbol.description, symbol]));
  const buffer = byName.get('kBuffer');
  const callback = byName.get('kBufferCb');
  const generator = byName.get('kBufferGen');
  return buffer && callback && generator ? { buffer, callback, generator } : undefined;
}

interface StreamHandle {
  useUserBuffer?: (buffer: Uint8Array) => void;
}

/**
 * Starts reading `socket` (accepted with `pauseOnConnect`, or at least not read yet), handing each read to
 * `onBytes`. On a plain TCP socket the bytes are a view of one buffer shared by all such sockets: valid only
 * until `onBytes` returns, so it must copy whatever it keeps. `onBytes` returning false asks to stop reading
 * until `socket.resume()` (ReadPacer); it is honoured only once the socket has nothing more to hand over
 * (a read that filled the buffer, or bytes Node already buffered), so holding never caps throughput.
 * Returns 'shared-buffer' or 'data-events'.
 */
export function startReading(
  socket: Socket,
  onBytes: (bytes: Buffer) => boolean | void,
): 'shared-buffer' | 'data-events' {
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  const fields = userBufferFields(socket);
  const owned = socket as unknown as Record<symbol, unknown>;
  // A TLS socket's handle reads ciphertext; bytes already read would be lost to a listener added later.
  const plain = !(socket instanceof TLSSocket) && socket.readableLength === 0;
  if (plain && fields && typeof handle?.useUserBuffer === 'function' && owned[fields.buffer] === null) {
    sharedReadBuffer ??= Buffer.allocUnsafeSlow(SHARED_READ_BUFFER_BYTES);
    const buffer = sharedReadBuffer;
    handle.useUserBuffer(buffer);
    owned[fields.buffer] = buffer;
    owned[fields.generator] = null;
    // False makes Node stop reading (readStop); socket.resume() starts it again. A full buffer means the
    // kernel likely holds more: read on (libuv reads until a short read).
    owned[fields.callback] = (length: number) =>
      onBytes(buffer.subarray(0, length)) !== false || length === SHARED_READ_BUFFER_BYTES;
    socket.resume();
    return 'shared-buffer';
  }
  socket.on('data', (bytes: Buffer) => {
    // Paused mid-flow, what Node already buffered would come out one chunk per resume.
    if (onBytes(bytes) === false && socket.readableLength === 0) socket.pause();
  });
  socket.resume();
  return 'data-events';
}
