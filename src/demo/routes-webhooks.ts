import { headersToObject, readBody, sendEmpty, sendJson } from './http-utils.js';
import type { Route, RouteContext } from './router.js';

/** Largest webhook body stored (1 MiB). */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

async function receive(ctx: RouteContext): Promise<void> {
  const body = await readBody(ctx.req, MAX_WEBHOOK_BYTES);
  const delivery = ctx.state.webhooks.add({
    time: Date.now(),
    method: ctx.method,
    path: ctx.path,
    headers: headersToObject(ctx.req),
    size: body.length,
    bodyBase64: body.toString('base64'),
  });
  sendJson(ctx.res, 200, { received: true, id: delivery.id, size: body.length });
}

/** A webhook receiver that keeps the last 100 deliveries. */
export function webhookRoutes(): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/webhooks',
      description: 'Stores a delivery (headers, raw body as base64); answers { received, id, size }',
      example: 'POST /webhooks {"event":"ping"}',
      handler: receive,
    },
    {
      method: 'GET',
      pattern: '/webhooks',
      description: 'Lists the last 100 deliveries as { deliveries: [...] }',
      example: 'GET /webhooks',
      handler: (ctx) => sendJson(ctx.res, 200, { deliveries: ctx.state.webhooks.list() }),
    },
    {
      method: 'DELETE',
      pattern: '/webhooks',
      description: 'Clears the stored deliveries (204)',
      example: 'DELETE /webhooks',
      handler: (ctx) => {
        ctx.state.webhooks.clear();
        sendEmpty(ctx.res, 204);
      },
    },
  ];
}
