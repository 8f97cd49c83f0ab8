import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { MAX_WEBHOOK_URL_LENGTH } from '../url-policy.js';
import { type SubscribableEventType, WEBHOOK_EVENT_TYPES } from '../webhook-events.js';
import { IsWebhookUrl } from './is-webhook-url.js';

export const MAX_DESCRIPTION_LENGTH = 500;

/** Present means not null: for fields that can be left out of a PATCH but not cleared. */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

const URL_DOC = {
  description:
    `http(s) URL the events are POSTed to; no credentials (user:password@), no fragment; at most ${MAX_WEBHOOK_URL_LENGTH} characters. ` +
    'A host that is a literal internal address (loopback, private, link-local such as 169.254.169.254, …) is refused ' +
    "with 400 unless the server's OUTBOUND_ALLOW_CIDRS lists it; a host name is checked at each delivery against " +
    'the addresses it resolves to',
  example: 'https://hooks.example.com/rapidrtmp',
  maxLength: MAX_WEBHOOK_URL_LENGTH,
};
const DESCRIPTION_DOC = {
  description: 'What the endpoint is for',
  example: 'Chat bot: announce streams',
  maxLength: MAX_DESCRIPTION_LENGTH,
};
const EVENTS_DOC = {
  description: 'Event types to receive; empty or left out means all of them',
  enum: WEBHOOK_EVENT_TYPES,
  isArray: true,
  example: ['stream.started', 'stream.ended'],
};

export class CreateWebhookDto {
  @ApiProperty(URL_DOC)
  @IsWebhookUrl()
  url!: string;

  @ApiPropertyOptional(DESCRIPTION_DOC)
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;

  @ApiPropertyOptional(EVENTS_DOC)
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: SubscribableEventType[];
}

/** Every field optional; `description: null` clears the description. */
export class UpdateWebhookDto {
  @ApiPropertyOptional(URL_DOC)
  @IfPresent()
  @IsWebhookUrl()
  url?: string;

  @ApiPropertyOptional({ ...DESCRIPTION_DOC, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string | null;

  @ApiPropertyOptional(EVENTS_DOC)
  @IfPresent()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: SubscribableEventType[];

  @ApiPropertyOptional({
    description: 'Disabled endpoints receive nothing; queued deliveries to them fail',
    example: false,
  })
  @IfPresent()
  @IsBoolean()
  enabled?: boolean;
}

export const DEFAULT_DELIVERIES_LIMIT = 50;
export const MAX_DELIVERIES_LIMIT = 200;

export class ListDeliveriesQueryDto {
  @ApiPropertyOptional({
    description: 'How many deliveries to return, newest first',
    minimum: 1,
    maximum: MAX_DELIVERIES_LIMIT,
    default: DEFAULT_DELIVERIES_LIMIT,
    example: 20,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_DELIVERIES_LIMIT)
  limit?: number;
}
