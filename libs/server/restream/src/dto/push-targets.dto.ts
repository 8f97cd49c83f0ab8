import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PushTargetStatusDto } from '@rapidrtmp/server-streams';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { MAX_PUSH_STREAM_KEY_LENGTH, MAX_PUSH_URL_LENGTH } from '../push-target-url.js';
import { IsPushStreamKey, IsPushTargetUrl } from './is-push-target.js';

/** Present means not null: for fields a PATCH may leave out but not clear. */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

const LABEL_DOC = { example: 'YouTube', description: 'What the target is, for people', maxLength: 100 };
const URL_DOC = {
  description:
    'rtmp:// or rtmps:// URL of the target’s ingest, without the stream key: `rtmp[s]://host[:port]/app[/...]` ' +
    '(port 1935 for rtmp and 443 for rtmps unless given; no credentials, query or fragment). A host that is a ' +
    "literal internal address (loopback, private, link-local, …) is refused with 400 unless the server's " +
    'OUTBOUND_ALLOW_CIDRS lists it; a host name is checked at each connection against the addresses it resolves to',
  example: 'rtmp://a.rtmp.youtube.com/live2',
  maxLength: MAX_PUSH_URL_LENGTH,
};
const KEY_DOC = {
  description:
    'The stream key the target gave you (a query such as `key?token=…` belongs here). Write-only: stored ' +
    'encrypted and never returned; responses show its last characters only',
  example: 'abcd-efgh-ijkl-mnop-qrst',
  maxLength: MAX_PUSH_STREAM_KEY_LENGTH,
  writeOnly: true,
};
const ENABLED_DOC = { description: 'Pushed while the key is live', default: true };

export class CreatePushTargetDto {
  @ApiProperty(LABEL_DOC)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label!: string;

  @ApiProperty(URL_DOC)
  @IsPushTargetUrl()
  url!: string;

  @ApiProperty(KEY_DOC)
  @IsPushStreamKey()
  streamKey!: string;

  @ApiPropertyOptional(ENABLED_DOC)
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Every field optional; a new `streamKey` replaces the stored one (it cannot be read back). */
export class UpdatePushTargetDto {
  @ApiPropertyOptional(LABEL_DOC)
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label?: string;

  @ApiPropertyOptional(URL_DOC)
  @IfPresent()
  @IsPushTargetUrl()
  url?: string;

  @ApiPropertyOptional(KEY_DOC)
  @IfPresent()
  @IsPushStreamKey()
  streamKey?: string;

  @ApiPropertyOptional({ description: ENABLED_DOC.description })
  @IfPresent()
  @IsBoolean()
  enabled?: boolean;
}

export class PushTargetDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  streamKeyId!: string;

  @ApiProperty({ example: 'YouTube' })
  label!: string;

  @ApiProperty({ example: 'rtmp://a.rtmp.youtube.com/live2', description: 'Normalized; never the stream key' })
  url!: string;

  @ApiProperty({
    example: '••••qrst',
    description: 'The stored stream key masked: its last 4 characters when it has 12 or more, else none',
  })
  streamKeyHint!: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  @ApiProperty({ type: PushTargetStatusDto, description: 'Where the push stands (idle while the key is not live)' })
  status!: PushTargetStatusDto;
}
