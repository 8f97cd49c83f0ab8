import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ClusterMembership } from '@rapidrtmp/server-cluster';
import type { SegmentRecord } from '@rapidrtmp/hls';
import { pinAllMedia, releaseAllMedia, retainAllMedia } from '@rapidrtmp/media-core';
import { HlsService, type SegmentArchive, type SpilledSegment } from '@rapidrtmp/server-delivery';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { cutsRecordingShort } from '@rapidrtmp/server-domain';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { DatabaseAvailability, DeferredWrites, RetryLater } from '@rapidrtmp/server-persistence';
import { OBJECT_STORE, type ObjectStore, WriteBehindUploader } from '@rapidrtmp/server-storage';
import { type LiveStream, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { RecordingsRepository } from './recordings.repository.js';
import { SegmentLog } from './segment-log.js';

/**
 * Segment rows of every recording on this node go out once a second, in one statement; during a database
 * outage up to 100,000 wait (about 2 h of 25 streams at 2 s segments).
 */
const SEGMENT_LOG = { intervalMs: 1000, maxRows: 100_000 };

/** How long the end of a recording waits for its last uploads before it is judged. */
const FINALIZE_WAIT_MS = 15_000;

interface ActiveRecording {
  id: string;
  /** The recording row could not be written (refused, not merely delayed): nothing to finalize. */
  createFailed: boolean;
  pendingUploads: number;
  settled: () => void;
  initsStored: Set<string>;
}

export const recordingKey = (recordingId: string, name: string) => `recordings/${recordingId}/${name}`;

/**
 * Keeps every session as a recording: the packager's init segments and segments are uploaded
 * write-behind to `recordings/<session id>/`, and a segment log in the database says what exists, so
 * VOD, downloads and gaps are answered from it. A lost upload is never silent: it is a gap on the row.
 * Rows survive a database outage: the recording row and its end go through DeferredWrites (after the
 * session row, on the session's chain), the segment rows wait in the segment log, and a recording that
 * ends during the outage is finalized once all of its segment rows are written.
 */
@Injectable()
export class Recorder implements SegmentArchive, OnModuleInit, OnModuleDestroy {
  private readonly active = new Map<string, ActiveRecording>();
  private readonly log: Logger;
  private readonly segmentLog: SegmentLog;
  private readonly linked: { inc(): void };

  constructor(
    private readonly registry: LiveStreamRegistry,
    private readonly hls: HlsService,
    private readonly membership: ClusterMembership,
    private readonly repository: RecordingsRepository,
    private readonly uploader: WriteBehindUploader,
    private readonly writes: DeferredWrites,
    private readonly database: DatabaseAvailability,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(ROOT_LOGGER) logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.log = logger.child({ module: 'recorder' });
    this.linked = metrics.counter({
      name: 'recording_segments_linked_total',
      help: 'Recording segments linked from the live spill into the local store instead of copied',
    });
    const dropped = metrics.counter({
      name: 'recording_segment_log_dropped_total',
      help: 'Recording segment rows dropped because the segment log was full (a long database outage)',
    });
    this.segmentLog = new SegmentLog(
      (rows) => this.writeSegmentRows(rows),
      {
        ...SEGMENT_LOG,
        onDropped: () => dropped.inc(),
      },
      this.log,
    );
    const segmentLog = this.segmentLog;
    metrics.gauge({
      name: 'recording_segment_log_rows',
      help: 'Recording segment rows held in memory, most waiting to be written (grows during a database outage)',
      collect() {
        this.set(segmentLog.size);
      },
    });
  }

  /** Skips the database while it is known to be down (the log retries every interval) and reports a new outage. */
  private async writeSegmentRows(rows: Parameters<RecordingsRepository['upsertSegments']>[0]): Promise<void> {
    this.database.assertUp();
    try {
      await this.repository.upsertSegments(rows);
    } catch (error) {
      this.database.report(error);
      throw error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.segmentLog.stop();
    await this.segmentLog.flush().catch(() => undefined);
  }

  onModuleInit(): void {
    // Sessions begin when delivery starts packaging them (begin, below), before their first init is stored.
    this.hls.useArchive(this);
    this.registry.onEnded((stream) => void this.finish(stream));
    // A lost node (or this node's previous run) cannot finish its recordings: they end incomplete,
    // playable up to the cut.
    this.membership.onNodeLost(async ({ nodeId }) => {
      const closed = await this.repository.closeOrphans(nodeId, new Date());
      if (closed > 0) this.log.warn({ closed, lostNode: nodeId }, 'recordings of a lost node marked incomplete');
    });
  }

  storeInit(sessionId: string, name: string, data: Buffer): void {
    const recording = this.active.get(sessionId);
    if (!recording || recording.initsStored.has(name)) return;
    recording.initsStored.add(name);
    this.upload(recording, name, data, 'video/mp4', () => undefined);
  }

  storeSegment(
    sessionId: string,
    segment: SegmentRecord,
    initName: string,
    onStored?: () => void,
    source?: SpilledSegment,
  ): void {
    const recording = this.active.get(sessionId);
    if (!recording) {
      source?.release();
      return;
    }
    this.segmentLog.add({
      recordingId: recording.id,
      msn: segment.msn,
      name: segment.name,
      initName,
      duration: segment.duration,
      discontinuity: segment.discontinuity,
      bytes: segment.byteLength,
      programDateTime: new Date(segment.programDateTime),
      state: 'pending',
    });
    const done = this.segmentStateWriter(recording, segment.msn, onStored);
    // Counted as pending at once, so the recording's end waits for bytes still being read back.
    this.upload(recording, segment.name, source ?? [...segment.chunks], 'video/iso.segment', done);
  }

  /**
   * The uploader holds the segment's media slabs (see MediaArena) until it says it will not read them again.
   * The local store reads them only while a put runs; a GCS put abandoned on timeout may still read after
   * it failed, so for GCS the slabs are pinned (left to the GC) instead.
   */
  private holdMedia(chunks: Buffer[]): (() => void) | undefined {
    if (this.store.kind !== 'local') {
      pinAllMedia(chunks);
      return undefined;
    }
    retainAllMedia(chunks);
    return () => releaseAllMedia(chunks);
  }

  /**
   * Built apart from storeSegment so the callback closes over the msn only: a closure over the whole
   * segment kept every spooled segment's bytes in memory during a storage outage.
   */
  private segmentStateWriter(
    recording: ActiveRecording,
    msn: number,
    onStored: (() => void) | undefined,
  ): (state: 'stored' | 'failed') => void {
    return (state) => {
      if (state === 'stored') onStored?.();
      this.segmentLog.settle(recording.id, msn, state);
    };
  }

  async read(sessionId: string, name: string): Promise<Buffer | undefined> {
    try {
      return await this.store.get(recordingKey(sessionId, name));
    } catch {
      return undefined;
    }
  }

  begin(stream: LiveStream): void {
    const { info } = stream;
    if (!info.recordingEnabled || this.active.has(info.id)) return;
    const recording: ActiveRecording = {
      id: info.id,
      createFailed: false,
      pendingUploads: 0,
      settled: () => undefined,
      initsStored: new Set(),
    };
    this.active.set(info.id, recording);
    // On the session's chain: the recording row (whose id is the session's) follows the session row.
    void this.writes
      .run(info.id, 'recording create', async () => {
        await this.repository
          .create({
            id: info.id,
            streamKeyId: info.streamKeyId,
            ownerId: info.ownerId,
            playbackId: info.playbackId,
            startedAt: info.startedAt,
            storageBackend: this.store.kind,
            signedPlayback: info.signedPlayback,
          })
          .catch(ignoreDuplicate);
        this.segmentLog.recordingReady(recording.id);
      })
      .then((outcome) => (recording.createFailed = outcome === 'failed'));
  }

  private async finish(stream: LiveStream): Promise<void> {
    const recording = this.active.get(stream.info.id);
    if (!recording) return;
    const endedAt = new Date();
    // The last segment is already here: the stream's end event closed it before the registry let go.
    this.active.delete(stream.info.id);
    if (recording.pendingUploads > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (recording.settled = resolve)),
        new Promise((resolve) => setTimeout(resolve, FINALIZE_WAIT_MS).unref()),
      ]);
    }
    const cutShort = stream.ending ? cutsRecordingShort(stream.ending.reason) : false;
    void this.writes.run(recording.id, 'recording finalize', () => this.finalize(recording, endedAt, cutShort));
  }

  /** Totals and status from the segment log, once every segment row of the recording is in the database. */
  private async finalize(recording: ActiveRecording, endedAt: Date, cutShort: boolean): Promise<void> {
    if (recording.createFailed) {
      this.segmentLog.forget(recording.id);
      return;
    }
    await this.segmentLog.flush();
    const unwritten = this.segmentLog.unwritten(recording.id);
    if (unwritten > 0) throw new RetryLater(`${unwritten} segment rows of recording ${recording.id} not written yet`);
    const segments = await this.repository.segmentsOf(recording.id);
    const complete = segments.length > 0 && segments.every((s) => s.state === 'stored') && !cutShort;
    const row = await this.repository.finalize(recording.id, endedAt, complete ? 'complete' : 'incomplete');
    this.segmentLog.forget(recording.id);
    this.log.info(
      { recordingId: recording.id, status: row?.status, segments: row?.segmentCount, gaps: row?.gaps },
      'recording finished',
    );
  }

  private upload(
    recording: ActiveRecording,
    name: string,
    data: Buffer | Buffer[] | SpilledSegment,
    contentType: string,
    done: (state: 'stored' | 'failed') => void,
  ): void {
    recording.pendingUploads++;
    const settle = (state: 'stored' | 'failed') => {
      done(state);
      if (--recording.pendingUploads === 0) recording.settled();
    };
    const failed = (reason: string) => {
      this.log.error(
        { recordingId: recording.id, name, reason },
        'recording segment could not be stored: marked as a gap',
      );
      settle('failed');
    };
    const enqueue = (bytes: Buffer | Buffer[]) => {
      const chunks = Array.isArray(bytes) ? bytes : undefined;
      this.uploader.enqueue(recordingKey(recording.id, name), bytes, {
        contentType,
        onBytesDone: chunks && this.holdMedia(chunks),
        onStored: () => settle('stored'),
        onFailed: failed,
      });
    };
    if (Buffer.isBuffer(data) || Array.isArray(data)) enqueue(data);
    else void this.keepSpilled(recordingKey(recording.id, name), data, enqueue, settle, failed);
  }

  /**
   * A segment on this node's disk: linked into a local store as it is (no copy, no read back), else read back
   * and uploaded like any other. Its source is released once the uploader holds what it keeps.
   */
  private async keepSpilled(
    key: string,
    source: SpilledSegment,
    enqueue: (bytes: Buffer[]) => void,
    settle: (state: 'stored') => void,
    failed: (reason: string) => void,
  ): Promise<void> {
    try {
      const file = this.store.adoptFile ? await source.file : undefined;
      if (file && (await this.adopt(key, file))) {
        this.linked.inc();
        settle('stored');
        return;
      }
      const bytes = await source.read().catch(() => undefined);
      if (bytes) enqueue(bytes);
      else failed('its bytes could not be read back from the live spill');
    } finally {
      source.release();
    }
  }

  /** True once the store has the file as the object; false (the bytes are uploaded instead) when it cannot. */
  private async adopt(key: string, file: string): Promise<boolean> {
    try {
      return (await this.store.adoptFile?.(key, file)) ?? false;
    } catch (error) {
      this.log.warn({ err: error, key }, 'recording segment could not be linked from the live spill: copying it');
      return false;
    }
  }
}

/** A retried insert whose first attempt did reach the database (the answer was lost) is done already. */
function ignoreDuplicate(error: unknown): void {
  if ((error as { code?: unknown }).code !== '23505') throw error;
}
