import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { readBuildInfo } from './build-info.js';

/** Builds the OpenAPI 3 document from the controllers' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('RapidRTMP API')
    .setDescription('Manage users, stream keys, live streams, history and webhooks of a RapidRTMP server.')
    .setVersion(readBuildInfo().version)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API token (rrt_…) or a login session token (rrs_…)' },
      'apiToken',
    )
    .addCookieAuth(
      'rr_session',
      { type: 'apiKey', in: 'cookie', description: 'Dashboard session; mutations also need X-CSRF-Token' },
      'session',
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves the document at /api/openapi.json and Swagger UI at /api/docs. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/openapi.json',
    yamlDocumentUrl: 'api/openapi.yaml',
    customSiteTitle: 'RapidRTMP API',
  });
}
