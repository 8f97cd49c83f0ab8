import type { Readable } from 'node:stream';
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { can, type Principal } from '@rapidrtmp/server-access';
import { AppConfig } from '@rapidrtmp/server-config';
import { AuditLog, keysetPage, keysetWindow, type RecordingEntity } from '@rapidrtmp/server-persistence';
import { OBJECT_STORE, type ObjectStore } from '@rapidrtmp/server-storage';
import type { RecordingDto, RecordingPageDto, RecordingsFilterDto } from './dto/recordings.dto.js';
import { concatenatedObjects } from './concatenated-objects.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { recordingKey } from './recorder.service.js';
import { RecordingsRepository } from './recordings.repository.js';

/** Stored parts a download checks (HEAD) at once: a long recording has thousands. */
const HEAD_CONCURRENCY = 4;

/** A recording as one MP4 file, streamed from storage part by part. */
export interface RecordingFile {
  body: Readable;
  size: number;
  filename: string;
}

/**
 * Recordings of stream sessions: publishers see (and delete) their own, moderators and admins everyone's.
 * A live recording cannot be deleted; a deletion removes the stored objects first and is audited.
 */
@Injectable()
export class RecordingsService {
  constructor(
    private readonly repository: RecordingsRepository,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  /** Newest first, a page at a time (`nextCursor` continues with older recordings). */
  async page(principal: Principal, filter: RecordingsFilterDto): Promise<RecordingPageDto> {
    const rows = await this.repository.list({
      ...keysetWindow(filter),
      ownerId: can(principal, 'others:read') ? filter.userId : principal.userId,
      streamKeyId: filter.streamKeyId,
    });
    return keysetPage(
      rows.map((r) => this.toDto(r)),
      filter,
    );
  }

  async get(principal: Principal, id: string): Promise<RecordingDto> {
    return this.toDto(await this.visible(principal, id));
  }

  /**
   * One init segment, then every stored fragment that uses it: fragments after a codec change would need
   * their own moov, so they are left out of the file. Not found when nothing (or not everything) is stored.
   */
  async download(principal: Principal, id: string): Promise<RecordingFile> {
    const recording = await this.visible(principal, id);
    const segments = (await this.repository.segmentsOf(id)).filter((s) => s.state === 'stored');
    const first = segments[0];
    if (!first) throw new NotFoundException('This recording has no stored segments.');
    const initName = first.initName;
    const keys = [initName, ...segments.filter((s) => s.initName === initName).map((s) => s.name)].map((name) =>
      recordingKey(id, name),
    );
    const sizes = await mapWithConcurrency(keys, HEAD_CONCURRENCY, async (key) => (await this.store.head(key))?.size);
    let size = 0;
    for (const partSize of sizes) {
      if (partSize === undefined) throw new NotFoundException('Part of the recording is missing from storage.');
      size += partSize;
    }
    const body = concatenatedObjects(this.store, keys);
    return {
      body,
      size,
      filename: `recording-${recording.startedAt.toISOString().replace(/[:.]/g, '-')}.mp4`,
    };
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const recording = await this.visible(principal, id);
    if (recording.status === 'recording') throw new BadRequestException('The stream is still live; stop it first.');
    const removed = await this.store.deleteByPrefix(`recordings/${id}/`);
    await this.repository.markDeleted(id);
    await this.audit.record({
      actorId: principal.userId,
      action: 'recording.deleted',
      targetType: 'recording',
      targetId: id,
      details: { objects: removed },
    });
  }

  /** A deleted recording, or someone else's to a publisher, is "not found". */
  private async visible(principal: Principal, id: string): Promise<RecordingEntity> {
    const recording = await this.repository.findById(id);
    if (
      !recording ||
      recording.status === 'deleted' ||
      (!can(principal, 'others:read') && recording.ownerId !== principal.userId)
    ) {
      throw new NotFoundException('No such recording.');
    }
    return recording;
  }

  private toDto(r: RecordingEntity): RecordingDto {
    return {
      id: r.id,
      streamKeyId: r.streamKeyId,
      ownerId: r.ownerId,
      playbackId: r.playbackId,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      durationSeconds: Math.round(r.durationSeconds * 1000) / 1000,
      bytes: Number(r.bytes),
      segmentCount: r.segmentCount,
      storageBackend: r.storageBackend,
      status: r.status,
      gaps: r.gaps,
      playbackUrl: `${this.config.publicUrl}/vod/${r.id}/index.m3u8`,
      downloadUrl: `${this.config.publicUrl}/api/v1/recordings/${r.id}/download`,
    };
  }
}
