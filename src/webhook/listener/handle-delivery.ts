/**
 * One request to the listener, from arrival to its one report. In order: register it as the delivery being
 * received on its socket (so a parse error mid-body is reported as this delivery); refuse a wrong path or
 * method (404/405) and a declared length over the limit (413, reported once the rest is drained); read the
 * body within the limit (413 when it goes over, 499 when the sender leaves); verify the complete body, refuse
 * a replayed id, and answer (200, 401, 500); forward a verified one when --forward is given, and report after
 * the app answered. Whatever happens first is reported; later outcomes of the same request are ignored.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { declaresTooMuch, refusalOf } from './accept-request.js';
import type { Connections } from './connections.js';
import {
  BODY_TOO_LARGE_REASON,
  CLIENT_CLOSED_STATUS,
  CLIENT_DISCONNECTED_REASON,
  rejection,
  type DeliveryEvent,
  type DeliveryOutcome,
} from './delivery-event.js';
import { describeError } from './describe-error.js';
import type { Forwarder } from './forward-delivery.js';
import type { ListenOptions } from './listen-options.js';
import { readBody, type BodyProgress } from './read-body.js';
import { refuseTooLarge } from './refuse-too-large.js';
import type { ReplayGuard } from './replay-guard.js';
import { sendJson } from './send-json.js';
import { verifyDelivery } from './verify-delivery.js';

export interface DeliveryContext {
  path: string;
  maxBodyBytes: number;
  verify: ListenOptions['verify'];
  /** Undefined when replays are not checked (--replay-window 0, or a scheme without delivery ids). */
  replay: ReplayGuard | undefined;
  connections: Connections;
  /** Undefined without --forward. */
  forwarder: Forwarder | undefined;
  /** True once the listener is closing: verified deliveries are then no longer forwarded. */
  isClosing: () => boolean;
  report: (e: DeliveryEvent) => void;
  now: () => Date;
}

export function handleDelivery(req: IncomingMessage, res: ServerResponse, ctx: DeliveryContext): void {
  const method = req.method ?? '';
  const target = req.url ?? '';
  const base = { time: ctx.now().toISOString(), method, path: target };
  let done = false;
  const finish = (outcome: DeliveryOutcome): void => {
    if (done) return;
    done = true;
    ctx.report({ ...base, ...outcome });
  };
  // The 413 is this delivery's outcome from the moment the body goes over the limit (later outcomes, such as
  // the sender hanging up once it has read the 413, are ignored), but it is reported when the drain is over:
  // after that the connection is gone, so a listener stopping at --max-events cuts no upload short.
  const refuse = (size: number): void => {
    if (done) return;
    done = true;
    refuseTooLarge(req, res, () => ctx.report({ ...base, ...rejection(413, BODY_TOO_LARGE_REASON, size) }));
  };
  let body: BodyProgress = { received: 0 };

  req.on('error', () => undefined);
  res.on('error', () => undefined);

  const stopReceiving = ctx.connections.receive(req.socket, { req, res, fail: (status, reason) => finish(rejection(status, reason, body.received)) });
  req.once('end', stopReceiving);
  req.once('close', stopReceiving);

  const refusal = refusalOf(method, target, ctx.path);
  if (refusal !== null) {
    sendJson(res, refusal.status, refusal.payload, refusal.headers);
    finish(rejection(refusal.status, refusal.reason, 0));
    return;
  }
  if (declaresTooMuch(req.headers['content-length'], ctx.maxBodyBytes)) {
    refuse(0);
    return;
  }

  body = readBody(req, ctx.maxBodyBytes, {
    tooLarge: refuse,
    aborted: (size) => finish(rejection(CLIENT_CLOSED_STATUS, CLIENT_DISCONNECTED_REASON, size)),
    complete: (collect) => {
      if (done) return;
      try {
        const bytes = collect();
        const verdict = verifyDelivery(ctx.verify, bytes, req.headers, ctx.replay);
        sendJson(res, verdict.answer.status, verdict.answer.payload);
        const forwarder = ctx.forwarder;
        // The sender has its answer already, whatever the app will say.
        if (!verdict.outcome.verified || forwarder === undefined || ctx.isClosing()) {
          finish(verdict.outcome);
          return;
        }
        void forwarder.forward(req, bytes).then((forwarded) => finish({ ...verdict.outcome, ...forwarded }));
      } catch (error) {
        sendJson(res, 500, { error: 'internal error' });
        finish(rejection(500, `internal error: ${describeError(error)}`, body.received));
      }
    },
  });
}
