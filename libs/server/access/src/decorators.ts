import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AuthenticatedRequest, Principal } from './principal.js';
import { rolesWith, type Role } from './roles.js';
import type { Scope } from './scopes.js';

export const PUBLIC_ROUTE = 'rapidrtmp:public';
export const ROUTE_ACCESS = 'rapidrtmp:access';

export interface RouteAccess {
  /** The roles whose logins carry every scope of the route. */
  roles: readonly Role[];
  /** An API token must carry every one of these; sessions have all their role's scopes. */
  scopes: readonly Scope[];
}

/** No authentication (login, health, public playback). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Every API route declares the scopes it needs; the roles that may call it are those whose logins carry
 * them all (ROLE_TABLE). The guard refuses anonymous callers (401), other roles and tokens without the
 * scopes (403). Documented in OpenAPI with both security schemes.
 */
export function Access(...scopes: Scope[]) {
  const roles = rolesWith(scopes);
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, { roles, scopes } satisfies RouteAccess),
    ApiBearerAuth('apiToken'),
    ApiCookieAuth('session'),
    ApiUnauthorizedResponse({ description: 'Not authenticated' }),
    ApiForbiddenResponse({
      description: `Needs role ${roles.join(' or ')}${scopes.length ? ` and scope ${scopes.join(', ')}` : ''}`,
    }),
  );
}

/** The authenticated principal of the request (only on routes with @Access). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without @Access');
  return principal;
});
