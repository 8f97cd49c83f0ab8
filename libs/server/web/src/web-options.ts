import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DASHBOARD_DIR } from './dashboard-files.js';

export interface WebOptions {
  /** The dashboard's static export (`next build` output). Default: `apps/dashboard/out` in this checkout. */
  dashboardDir?: string;
  /** Origins besides the page's own that pages fetch from (PUBLIC_URL's: playback URLs point there). */
  otherOrigins?: string[];
}

export interface ResolvedWebOptions {
  dashboardDir: string;
  otherOrigins: string[];
}

export const WEB_OPTIONS = Symbol('WEB_OPTIONS');

export function resolveWebOptions(options: WebOptions = {}): ResolvedWebOptions {
  return {
    dashboardDir: resolve(options.dashboardDir ?? fileURLToPath(DEFAULT_DASHBOARD_DIR)),
    otherOrigins: options.otherOrigins ?? [],
  };
}
