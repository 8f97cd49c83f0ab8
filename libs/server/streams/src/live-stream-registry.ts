import { Injectable } from '@nestjs/common';
import type { LiveStream, LiveStreamInfo } from './live-stream.js';

export type LiveStreamListener = (stream: LiveStream) => void;
/** Async work a consumer needs done before a stream starts (e.g. reading shared state); bounded by the caller. */
export type LiveStreamPreparer = (info: LiveStreamInfo) => Promise<void>;

/** Every live stream on this node, by session id, playback id and stream key. */
@Injectable()
export class LiveStreamRegistry {
  private readonly byId = new Map<string, LiveStream>();
  private readonly byPlayback = new Map<string, LiveStream>();
  private readonly byKey = new Map<string, LiveStream>();
  private readonly startedListeners = new Set<LiveStreamListener>();
  private readonly endedListeners = new Set<LiveStreamListener>();
  private readonly preparers = new Set<LiveStreamPreparer>();

  /**
   * Lets consumers do async work before a stream is added, so their (synchronous) started listeners
   * have what they need and no media is published before they subscribe. Errors are the preparer's own.
   */
  async prepare(info: LiveStreamInfo): Promise<void> {
    await Promise.all([...this.preparers].map((prepare) => prepare(info).catch(() => undefined)));
  }

  onPreparing(preparer: LiveStreamPreparer): () => void {
    this.preparers.add(preparer);
    return () => this.preparers.delete(preparer);
  }

  /** Registers a stream that is going live; a key can only be live once (the caller decides policy first). */
  add(stream: LiveStream): void {
    const { id, playbackId, streamKeyId } = stream.info;
    if (this.byKey.has(streamKeyId)) throw new Error(`stream key ${streamKeyId} is already live`);
    this.byId.set(id, stream);
    this.byPlayback.set(playbackId, stream);
    this.byKey.set(streamKeyId, stream);
    for (const listener of this.startedListeners) listener(stream);
  }

  /** Removes an ended stream; listeners learn it ended. */
  remove(stream: LiveStream): void {
    if (this.byId.get(stream.info.id) !== stream) return;
    this.byId.delete(stream.info.id);
    this.byPlayback.delete(stream.info.playbackId);
    this.byKey.delete(stream.info.streamKeyId);
    for (const listener of this.endedListeners) listener(stream);
  }

  get(id: string): LiveStream | undefined {
    return this.byId.get(id);
  }

  byPlaybackId(playbackId: string): LiveStream | undefined {
    return this.byPlayback.get(playbackId);
  }

  byStreamKeyId(streamKeyId: string): LiveStream | undefined {
    return this.byKey.get(streamKeyId);
  }

  list(): LiveStream[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  onStarted(listener: LiveStreamListener): () => void {
    this.startedListeners.add(listener);
    return () => this.startedListeners.delete(listener);
  }

  onEnded(listener: LiveStreamListener): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }
}
