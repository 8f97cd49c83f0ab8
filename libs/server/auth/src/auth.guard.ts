import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, ROUTE_ACCESS, type AuthenticatedRequest, type RouteAccess } from '@rapidrtmp/server-access';
import { AuthService } from './auth.service.js';
import { CSRF_HEADER, SESSION_COOKIE, parseCookies } from './cookies.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Enforces @Access on every API route: authenticates the bearer token or session cookie, checks role
 * and scopes, and for cookie-authenticated unsafe requests the CSRF token. An /api route without a
 * declared policy is refused (fail closed).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const access = this.reflector.getAllAndOverride<RouteAccess>(ROUTE_ACCESS, targets);
    if (!access) {
      // The route's registered path, not the raw URL: the router decodes `/%61pi/...` to the same route.
      if (routedPath(request).startsWith('/api/')) throw new ForbiddenException('This route has no access policy.');
      return true;
    }
    const authorization = request.headers.authorization;
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
    const cookie = bearer ? undefined : parseCookies(request.headers.cookie)[SESSION_COOKIE];
    const secret = bearer ?? cookie;
    if (!secret) throw new UnauthorizedException('Authentication required: log in or send an API token.');
    const principal = await this.auth.authenticate(secret, cookie !== undefined);
    if (!principal) throw new UnauthorizedException('The session or token is invalid, expired or revoked.');
    if (principal.cookie && !SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (!this.auth.csrfMatches(principal.csrfHash, Array.isArray(presented) ? presented[0] : presented)) {
        throw new ForbiddenException('CSRF token missing or invalid.');
      }
    }
    if (!access.roles.includes(principal.role))
      throw new ForbiddenException(`Needs role ${access.roles.join(' or ')}.`);
    const missing = access.scopes.filter((scope) => !principal.scopes.includes(scope));
    if (missing.length > 0) throw new ForbiddenException(`The token lacks scope ${missing.join(', ')}.`);
    const { csrfHash: _csrfHash, ...clean } = principal;
    request.principal = clean;
    return true;
  }
}

/** The path the request was routed by (its route's template); failing that, the URL's path, decoded. */
function routedPath(request: AuthenticatedRequest): string {
  const routed = request.routeOptions?.url;
  if (routed !== undefined) return routed;
  const path = request.url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // malformed escapes: the router would not have matched them either
  }
}
