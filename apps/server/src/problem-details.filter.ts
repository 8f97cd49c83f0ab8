import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@rapidrtmp/server-logging';

/** RFC 9457 problem details, the body of every API error. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Field-level validation messages, when the request body was invalid. */
  errors?: string[];
  [extension: string]: unknown;
}

/**
 * Turns every exception into `application/problem+json`. Unexpected errors are logged with their stack
 * and answered with a generic 500 so internals never leak to clients.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (!request.url.startsWith('/api/') && exception instanceof HttpException) {
      // Probes (/readyz names its failing check) and HLS keep their own bodies.
      void reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    const problem = this.toProblem(exception, request);
    if (problem.status >= 500) this.logger.error({ err: exception, url: request.url }, 'request failed');
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }

  private toProblem(exception: unknown, request: FastifyRequest): ProblemDetails {
    const instance = request.url.split('?')[0];
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const body = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
      const messages = Array.isArray(body.message) ? (body.message as string[]) : undefined;
      const detail = messages
        ? 'The request is invalid.'
        : typeof body.message === 'string'
          ? body.message
          : exception.message;
      const { message: _message, error: _error, statusCode: _statusCode, ...extensions } = body;
      return {
        type: `https://rapidrtmp.dev/problems/${slug(status)}`,
        title: HttpStatus[status] ? titleCase(HttpStatus[status]) : 'Error',
        status,
        detail,
        instance,
        ...(messages ? { errors: messages } : {}),
        ...extensions,
      };
    }
    return {
      type: 'https://rapidrtmp.dev/problems/internal-server-error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      instance,
    };
  }
}

function titleCase(constant: string): string {
  return constant
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

function slug(status: number): string {
  return (HttpStatus[status] ?? 'error').toLowerCase().replace(/_/g, '-');
}
