import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCallbacks,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@rapidrtmp/server-access';
import { WebhookEventDto } from './dto/webhook-event.dto.js';
import {
  CreateWebhookDto,
  DEFAULT_DELIVERIES_LIMIT,
  ListDeliveriesQueryDto,
  UpdateWebhookDto,
} from './dto/webhook-request.dto.js';
import { CreatedWebhookDto, QueuedTestDto, WebhookDeliveryDto, WebhookDto } from './dto/webhook-response.dto.js';
import { VERIFICATION_GUIDE } from './signing.js';
import { WebhooksService } from './webhooks.service.js';

const NOT_FOUND = { description: 'No webhook with this id' };
const BAD_REQUEST = { description: 'Invalid id, query or body (unknown fields are rejected)' };

/**
 * Admin API of webhook endpoints: routing, validation and access only; WebhooksService decides. Access is
 * declared per route (not on the class) so each handler states its own policy.
 */
@ApiTags('webhooks')
@ApiExtraModels(WebhookEventDto)
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Access('webhooks:admin')
  @ApiOperation({
    summary: 'Register a webhook endpoint',
    operationId: 'createWebhook',
    description:
      'Events (`stream.started`, `stream.ended`, `stream.stopped`, `restream.failed`, `restream.recovered`) are ' +
      'POSTed to the URL as JSON. ' +
      'The response carries the signing `secret`, shown only this once.\n\n' +
      VERIFICATION_GUIDE,
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiCallbacks({
    name: 'event',
    callbackUrl: '{$request.body#/url}',
    method: 'post',
    requestBody: { type: WebhookEventDto },
    expectedResponse: { status: 200, description: 'Any 2xx within 5 s acknowledges the event' },
  })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateWebhookDto): Promise<CreatedWebhookDto> {
    return this.webhooks.create(principal.userId, body);
  }

  @Get()
  @Access('webhooks:admin')
  @ApiOperation({ summary: 'List webhook endpoints (without secrets)', operationId: 'listWebhooks' })
  @ApiOkResponse({ type: WebhookDto, isArray: true })
  list(): Promise<WebhookDto[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @Access('webhooks:admin')
  @ApiOperation({ summary: 'One webhook endpoint (without its secret)', operationId: 'getWebhook' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiBadRequestResponse(BAD_REQUEST)
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookDto> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @Access('webhooks:admin')
  @ApiOperation({
    summary: 'Change a webhook endpoint',
    operationId: 'updateWebhook',
    description: 'Only the fields sent change. Queued deliveries go to the current URL when they are sent.',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiBadRequestResponse(BAD_REQUEST)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return this.webhooks.update(principal.userId, id, body);
  }

  @Delete(':id')
  @Access('webhooks:admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a webhook endpoint and its delivery log',
    operationId: 'deleteWebhook',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiBadRequestResponse(BAD_REQUEST)
  async delete(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.webhooks.delete(principal.userId, id);
  }

  @Get(':id/deliveries')
  @Access('webhooks:admin')
  @ApiOperation({
    summary: 'Delivery log of a webhook endpoint, newest first',
    operationId: 'listWebhookDeliveries',
    description:
      'One entry per event: `pending` (queued or waiting for a retry at `nextAttemptAt`), `succeeded` ' +
      'or `failed` (gave up after the last attempt, or the endpoint was disabled). `lastStatusCode`, ' +
      '`lastError` and `lastDurationMs` describe the latest attempt.',
  })
  @ApiOkResponse({ type: WebhookDeliveryDto, isArray: true })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiBadRequestResponse(BAD_REQUEST)
  deliveries(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<WebhookDeliveryDto[]> {
    return this.webhooks.listDeliveries(id, query.limit ?? DEFAULT_DELIVERIES_LIMIT);
  }

  @Post(':id/test')
  @Access('webhooks:admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Queue a webhook.test event for this endpoint',
    operationId: 'testWebhook',
    description:
      'Sends `{ id, type: "webhook.test", createdAt, data: { message } }`, signed like every event, to this ' +
      'endpoint only; follow it in the delivery log.',
  })
  @ApiAcceptedResponse({ type: QueuedTestDto })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiConflictResponse({ description: 'The endpoint is disabled' })
  sendTest(@Param('id', new ParseUUIDPipe()) id: string): Promise<QueuedTestDto> {
    return this.webhooks.sendTest(id);
  }
}
