import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { can, type Principal } from '@rapidrtmp/server-access';
import { AppConfig } from '@rapidrtmp/server-config';
import { AuditLog, type StreamKeyEntity } from '@rapidrtmp/server-persistence';
import { UsersRepository } from '@rapidrtmp/server-users';
import type {
  BanStreamKeyDto,
  CreateStreamKeyDto,
  CreatedStreamKeyDto,
  PlaybackTokenDto,
  StreamKeyDto,
  UpdateStreamKeyDto,
} from './dto/stream-keys.dto.js';
import { LiveKeys } from './live-keys.js';
import { LivePlayback } from './live-playback.js';
import { generatePlaybackId, generateStreamKey } from './stream-key-secrets.js';
import { StreamKeysRepository } from './stream-keys.repository.js';

/**
 * Stream keys: who sees and manages which, secrets shown once (only hashes are stored), and what revoking,
 * regenerating or banning a key does to its live stream. Every change is audited.
 */
@Injectable()
export class StreamKeysService {
  constructor(
    private readonly keys: StreamKeysRepository,
    private readonly users: UsersRepository,
    private readonly live: LiveKeys,
    private readonly playback: LivePlayback,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
  ) {}

  /** The caller's keys; moderators and admins see everyone's, or one user's with `userId`. */
  async list(principal: Principal, userId?: string): Promise<StreamKeyDto[]> {
    const keys = await this.keys.listByOwner(can(principal, 'others:read') ? userId : principal.userId);
    const names = await this.users.namesByIds(keys.map((k) => k.ownerId));
    return keys.map((key) => this.toDto(key, names.get(key.ownerId)));
  }

  /** For the caller, or (admins; their tokens with users:admin) for another user. The secret is in this answer only. */
  async create(principal: Principal, input: CreateStreamKeyDto): Promise<CreatedStreamKeyDto> {
    const ownerId = input.userId ?? principal.userId;
    if (ownerId !== principal.userId && !can(principal, 'others:write'))
      throw new ForbiddenException(
        principal.via === 'api-token'
          ? 'Only a token with scope users:admin creates keys for other users.'
          : 'Only admins create keys for other users.',
      );
    if (!(await this.users.findById(ownerId))) throw new NotFoundException('No such user.');
    const secret = generateStreamKey();
    const { id } = await this.keys.insert({
      ownerId,
      label: input.label,
      keyHash: secret.hash,
      keyPrefix: secret.prefix,
      playbackId: generatePlaybackId(),
      signedPlayback: input.signedPlayback ?? false,
    });
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.created',
      targetType: 'stream_key',
      targetId: id,
      details: { label: input.label, ownerId },
    });
    return this.withSecret(await this.reload(id), secret.key);
  }

  async get(principal: Principal, id: string): Promise<StreamKeyDto> {
    return this.named(await this.visible(principal, id));
  }

  /**
   * A rename or signed-playback switch: a live stream keeps what it published with until the next publish;
   * recordings (VOD) follow the key's signed-playback setting at once.
   */
  async update(principal: Principal, id: string, changes: UpdateStreamKeyDto): Promise<StreamKeyDto> {
    await this.manageable(principal, id);
    await this.keys.update(id, changes);
    this.live.forget(id);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.updated',
      targetType: 'stream_key',
      targetId: id,
      details: { ...changes },
    });
    return this.named(await this.reload(id));
  }

  /** For good: a live stream on the key stops. */
  async revoke(principal: Principal, id: string): Promise<StreamKeyDto> {
    await this.manageable(principal, id);
    await this.keys.update(id, { revokedAt: new Date() });
    this.live.stopKey(id, 'key_revoked', principal.userId);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.revoked',
      targetType: 'stream_key',
      targetId: id,
    });
    return this.named(await this.reload(id));
  }

  /**
   * A new secret (shown once) for the same playback id; the old one stops working. A revoked key stays revoked
   * (a revocation, an admin's included, is for good): it gets no new secret.
   */
  async regenerate(principal: Principal, id: string): Promise<CreatedStreamKeyDto> {
    const key = await this.manageable(principal, id);
    if (key.revokedAt) throw new ConflictException('This key is revoked for good; create a new one.');
    const secret = generateStreamKey();
    await this.keys.update(id, { keyHash: secret.hash, keyPrefix: secret.prefix });
    this.live.stopKey(id, 'key_revoked', principal.userId);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.regenerated',
      targetType: 'stream_key',
      targetId: id,
    });
    return this.withSecret(await this.reload(id), secret.key);
  }

  /** Moderation: until a time (default an hour from now); a live stream on the key stops. */
  async ban(principal: Principal, id: string, input: BanStreamKeyDto): Promise<StreamKeyDto> {
    await this.visible(principal, id);
    const until = input.until ? new Date(input.until) : new Date(Date.now() + (input.seconds ?? 3600) * 1000);
    await this.keys.update(id, { bannedUntil: until, banReason: input.reason ?? null });
    this.live.stopKey(id, 'key_banned', principal.userId);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.banned',
      targetType: 'stream_key',
      targetId: id,
      details: { until, reason: input.reason },
    });
    return this.named(await this.reload(id));
  }

  async unban(principal: Principal, id: string): Promise<void> {
    await this.visible(principal, id);
    await this.keys.update(id, { bannedUntil: null, banReason: null });
    this.live.stopKey(id, 'key_banned', null);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.unbanned',
      targetType: 'stream_key',
      targetId: id,
    });
  }

  /**
   * Bans a key whose live stream the caller stops itself, with its own end reason and audit entry (the
   * streams API's stop-and-ban): the next publish reads the ban.
   */
  async banWhileStopping(streamKeyId: string, until: Date, reason: string | null): Promise<void> {
    await this.keys.update(streamKeyId, { bannedUntil: until, banReason: reason });
    this.live.forget(streamKeyId);
  }

  /** A short-lived signed playback URL for a key the caller can see (default lifetime an hour). */
  async playbackToken(principal: Principal, id: string, ttlSeconds?: number): Promise<PlaybackTokenDto> {
    const key = await this.visible(principal, id);
    const { token, expiresAt } = this.playback.sign(key.playbackId, ttlSeconds ?? 3600);
    return { token, expiresAt, playbackUrl: this.playback.url(key.playbackId, token) };
  }

  /**
   * Publishers see their own keys, moderators and admins everyone's; any other key is "not found". Public for
   * what hangs off a key in the libs above (its restream targets follow the key's rules).
   */
  async visible(principal: Principal, id: string): Promise<StreamKeyEntity> {
    const key = await this.keys.findById(id);
    if (!key || (!can(principal, 'others:read') && key.ownerId !== principal.userId))
      throw new NotFoundException('No such stream key.');
    return key;
  }

  /** Renaming, revoking and regenerating are for the owner or an admin (an admin's token: with users:admin). */
  async manageable(principal: Principal, id: string): Promise<StreamKeyEntity> {
    const key = await this.visible(principal, id);
    if (!can(principal, 'others:write') && key.ownerId !== principal.userId)
      throw new ForbiddenException(
        principal.via === 'api-token'
          ? 'Only the owner, or an admin’s token with scope users:admin, manages this key.'
          : 'Only the owner or an admin manages this key.',
      );
    return key;
  }

  private async reload(id: string): Promise<StreamKeyEntity> {
    const key = await this.keys.findById(id);
    // Deleted between the write and this read (a concurrent request): gone, as for any other lookup.
    if (!key) throw new NotFoundException('No such stream key.');
    return key;
  }

  private async named(key: StreamKeyEntity): Promise<StreamKeyDto> {
    return this.toDto(key, (await this.users.namesByIds([key.ownerId])).get(key.ownerId));
  }

  private toDto(key: StreamKeyEntity, ownerName?: string): StreamKeyDto {
    return {
      id: key.id,
      label: key.label,
      keyPrefix: key.keyPrefix,
      playbackId: key.playbackId,
      ownerId: key.ownerId,
      ownerName: ownerName ?? '',
      playbackUrl: this.playback.url(key.playbackId),
      embedUrl: `${this.config.publicUrl}/embed/${key.playbackId}`,
      signedPlayback: key.signedPlayback,
      live: this.live.isLive(key.id),
      revokedAt: key.revokedAt,
      bannedUntil: key.bannedUntil,
      banReason: key.banReason,
      lastUsedAt: key.lastUsedAt,
      createdAt: key.createdAt,
    };
  }

  /** The key with its secret and where to send it: what OBS and ffmpeg need. */
  private async withSecret(key: StreamKeyEntity, secret: string): Promise<CreatedStreamKeyDto> {
    const rtmpUrl = this.rtmpUrl();
    return {
      ...(await this.named(key)),
      key: secret,
      rtmpUrl,
      rtmpsUrl: this.rtmpsUrl(),
      obs: { server: rtmpUrl, streamKey: secret },
      ffmpegCommand: `ffmpeg -re -i input.mp4 -c:v libx264 -preset veryfast -g 60 -c:a aac -f flv ${rtmpUrl}/${secret}`,
    };
  }

  /** `rtmp://<public host>:<RTMP_PORT>/live`, the Server field of OBS. */
  private rtmpUrl(): string {
    return ingestUrl('rtmp', new URL(this.config.publicUrl).hostname, this.config.rtmpPort, 1935);
  }

  /** `rtmps://<public host>:<RTMPS_PORT>/live` when RTMPS is on (its certificate is for that host). */
  private rtmpsUrl(): string | null {
    const rtmps = this.config.rtmps;
    return rtmps ? ingestUrl('rtmps', new URL(this.config.publicUrl).hostname, rtmps.port, 443) : null;
  }
}

/** An ingest URL, without the port when it is the scheme's default (OBS and ffmpeg assume it). */
function ingestUrl(scheme: 'rtmp' | 'rtmps', host: string, port: number, defaultPort: number): string {
  return `${scheme}://${host}${port === defaultPort ? '' : `:${port}`}/live`;
}
