import { type DynamicModule, Module } from '@nestjs/common';
import { DashboardRoutes } from './dashboard-routes.js';
import { resolveWebOptions, WEB_OPTIONS, type WebOptions } from './web-options.js';

/**
 * The web dashboard and the embeddable player, served by the server itself on its HTTP port from the
 * dashboard's static export. Needs no configuration; without a built dashboard it logs a warning and
 * `/` explains how to build it.
 */
@Module({})
export class WebModule {
  static forRoot(options: WebOptions = {}): DynamicModule {
    return {
      module: WebModule,
      providers: [{ provide: WEB_OPTIONS, useValue: resolveWebOptions(options) }, DashboardRoutes],
    };
  }
}
