import { type CanActivate, type ExecutionContext, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { isPeerRequest } from './peer-request.js';

/**
 * Node-to-node routes (`/internal/...`) answer only requests carrying CLUSTER_SECRET; anyone else gets the
 * same 404 as for a route that does not exist.
 */
@Injectable()
export class PeerGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    if (!isPeerRequest(request.headers, this.config.cluster.secret)) throw new NotFoundException();
    return true;
  }
}
