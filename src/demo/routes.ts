import type { Route } from './router.js';
import { basicRoutes } from './routes-basic.js';
import { contentRoutes } from './routes-content.js';
import { cursorRoutes } from './routes-cursor.js';
import { oauthRoutes } from './routes-oauth.js';
import { paginationRoutes } from './routes-pagination.js';
import { rateLimitRoutes } from './routes-ratelimit.js';
import { resilienceRoutes } from './routes-resilience.js';
import { usersRoutes } from './routes-users.js';
import { webhookRoutes } from './routes-webhooks.js';
import { cacheRoutes } from './routes-cache.js';

/** Every route of the demo API, in matching order. */
export function demoRoutes(): Route[] {
  return [
    ...basicRoutes(),
    ...usersRoutes(),
    ...contentRoutes(),
    ...paginationRoutes(),
    ...cursorRoutes(),
    ...rateLimitRoutes(),
    ...resilienceRoutes(),
    ...webhookRoutes(),
    ...oauthRoutes(),
    ...cacheRoutes(),
  ];
}
