/**
 * The received bytes not yet parsed, kept as the list of buffers the socket delivered: appending
 * never copies, and bodies are copied once, straight into their message buffer.
 */
export class ByteQueue {
  private readonly chunks: Buffer[] = [];
  /** Read offset into chunks[0]. */
  private head = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.total += bytes.length;
  }

  /** Copies up to `target.length` leading bytes into `target` without consuming; returns the count. */
  peekInto(target: Buffer): number {
    let copied = 0;
    let offset = this.head;
    for (const chunk of this.chunks) {
      if (copied === target.length) break;
      copied += chunk.copy(target, copied, offset, offset + target.length - copied);
      offset = 0;
    }
    return copied;
  }

  /** The first received buffer; callers never read past `length`, so one is there. */
  private front(): Buffer {
    const first = this.chunks[0];
    if (first === undefined) throw new RangeError('read past the end of the byte queue');
    return first;
  }

  skip(count: number): void {
    this.total -= count;
    while (count > 0) {
      const available = this.front().length - this.head;
      if (count < available) {
        this.head += count;
        return;
      }
      count -= available;
      this.chunks.shift();
      this.head = 0;
    }
  }

  /**
   * Copies the unparsed bytes into memory of their own, so that the caller may reuse the buffers it pushed
   * (a socket read into one reused buffer). Between messages this is a partial chunk header or nothing.
   */
  keepUnread(): void {
    if (this.total === 0) {
      this.chunks.length = 0;
      this.head = 0;
      return;
    }
    const own = Buffer.allocUnsafe(this.total);
    let offset = 0;
    let start = this.head;
    for (const chunk of this.chunks) {
      offset += chunk.copy(own, offset, start);
      start = 0;
    }
    this.chunks.length = 0;
    this.chunks.push(own);
    this.head = 0;
  }

  /** Moves the next `count` bytes (count <= length) into `target` at `offset`. */
  moveInto(target: Buffer, offset: number, count: number): void {
    let remaining = count;
    while (remaining > 0) {
      const first = this.front();
      const copied = first.copy(target, offset, this.head, Math.min(first.length, this.head + remaining));
      offset += copied;
      remaining -= copied;
      this.skip(copied);
    }
  }
}
