import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateWebhookDto, ListDeliveriesQueryDto, UpdateWebhookDto } from './webhook-request.dto.js';

/** What the app's global ValidationPipe does (whitelist + forbidNonWhitelisted + transform). */
async function problems<T extends object>(type: new () => T, body: unknown): Promise<string[]> {
  const instance = plainToInstance(type, body);
  const errors = await validate(instance as object, { whitelist: true, forbidNonWhitelisted: true });
  return errors.flatMap((e) => Object.values(e.constraints ?? {}));
}

describe('webhook DTOs', () => {
  it('accept a minimal and a full creation body', async () => {
    assert.deepEqual(await problems(CreateWebhookDto, { url: 'https://hooks.example.com/x' }), []);
    assert.deepEqual(
      await problems(CreateWebhookDto, {
        url: 'http://127.0.0.1:9000/hook',
        description: 'chat bot',
        events: ['stream.started', 'stream.stopped'],
      }),
      [],
    );
  });

  it('reject bad URLs, unknown event types, duplicates and unknown fields', async () => {
    assert.match((await problems(CreateWebhookDto, { url: 'ftp://x.example' })).join(), /http or https/);
    assert.match((await problems(CreateWebhookDto, { url: 'https://a:b@x.example' })).join(), /credentials/);
    assert.notDeepEqual(await problems(CreateWebhookDto, {}), []);
    assert.notDeepEqual(
      await problems(CreateWebhookDto, { url: 'https://x.example', events: ['stream.exploded'] }),
      [],
    );
    assert.notDeepEqual(await problems(CreateWebhookDto, { url: 'https://x.example', events: ['webhook.test'] }), []);
    assert.notDeepEqual(
      await problems(CreateWebhookDto, { url: 'https://x.example', events: ['stream.ended', 'stream.ended'] }),
      [],
    );
    assert.match(
      (await problems(CreateWebhookDto, { url: 'https://x.example', secret: 'whsec_mine' })).join(),
      /should not exist/,
    );
  });

  it('patch: every field optional, description clearable, url and enabled not nullable', async () => {
    assert.deepEqual(await problems(UpdateWebhookDto, {}), []);
    assert.deepEqual(await problems(UpdateWebhookDto, { description: null, enabled: false, events: [] }), []);
    assert.notDeepEqual(await problems(UpdateWebhookDto, { url: null }), []);
    assert.notDeepEqual(await problems(UpdateWebhookDto, { enabled: null }), []);
    assert.notDeepEqual(await problems(UpdateWebhookDto, { enabled: 'yes' }), []);
    assert.notDeepEqual(await problems(UpdateWebhookDto, { secret: 'x' }), []);
  });

  it('deliveries query: limit is a bounded integer from the query string', async () => {
    assert.deepEqual(await problems(ListDeliveriesQueryDto, {}), []);
    assert.deepEqual(await problems(ListDeliveriesQueryDto, { limit: '20' }), []);
    assert.equal(plainToInstance(ListDeliveriesQueryDto, { limit: '20' }).limit, 20);
    assert.notDeepEqual(await problems(ListDeliveriesQueryDto, { limit: '0' }), []);
    assert.notDeepEqual(await problems(ListDeliveriesQueryDto, { limit: '1000' }), []);
    assert.notDeepEqual(await problems(ListDeliveriesQueryDto, { limit: 'ten' }), []);
  });
});
