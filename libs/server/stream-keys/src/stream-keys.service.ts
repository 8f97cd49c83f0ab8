import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { generatePlaybackId, generateStreamKey } from './stream-key-secrets.js';
import { StreamKeysRepository } from './stream-keys.repository.js';

export interface CreatedStreamKey {
  id: string;
  label: string;
  /** The secret, returned once and never stored. */
  key: string;
  keyPrefix: string;
  playbackId: string;
  /** What to paste into OBS: Server = rtmpUrl, Stream Key = key. */
  rtmpUrl: string;
  createdAt: Date;
}

@Injectable()
export class StreamKeysService {
  constructor(
    private readonly repository: StreamKeysRepository,
    private readonly config: AppConfig,
  ) {}

  async create(ownerId: string, label: string): Promise<CreatedStreamKey> {
    const secret = generateStreamKey();
    const saved = await this.repository.insert({
      ownerId,
      label,
      keyHash: secret.hash,
      keyPrefix: secret.prefix,
      playbackId: generatePlaybackId(),
    });
    return {
      id: saved.id,
      label: saved.label,
      key: secret.key,
      keyPrefix: saved.keyPrefix,
      playbackId: saved.playbackId,
      rtmpUrl: this.rtmpUrl(),
      createdAt: saved.createdAt,
    };
  }

  /** `rtmp://<public host>:<RTMP_PORT>/live`, the Server field of OBS. */
  rtmpUrl(): string {
    const host = new URL(this.config.publicUrl).hostname;
    return `rtmp://${host}${this.config.rtmpPort === 1935 ? '' : `:${this.config.rtmpPort}`}/live`;
  }
}
