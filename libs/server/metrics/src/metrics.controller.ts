import { Controller, Get, Inject, NotFoundException, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { METRICS_ACCESS, metricsAuthorized, type MetricsAccess } from './metrics-access.js';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
}
interface HttpReply {
  header(name: string, value: string): unknown;
}

/**
 * The stock Prometheus controller on the HTTP port, kept out of the OpenAPI document (it is not part of
 * the REST API). With METRICS_PORT it answers 404 here (the metrics live on their own port); with
 * METRICS_TOKEN it wants the token.
 */
@ApiExcludeController()
@Controller()
export class MetricsController extends PrometheusController {
  constructor(@Inject(METRICS_ACCESS) private readonly access: MetricsAccess) {
    super();
  }

  @Get()
  override index(@Res({ passthrough: true }) response: HttpReply, @Req() request?: HttpRequest) {
    if (this.access.port !== undefined) throw new NotFoundException();
    if (!metricsAuthorized(this.access, request?.headers.authorization)) {
      response.header('www-authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException('The metrics token is missing or wrong.');
    }
    return super.index(response);
  }
}
