/**
 * Passing a verified delivery on to the app given with --forward: same method, headers (minus hop-by-hop
 * ones) and body bytes. Transport note: outbound API requests go through the engine (got); this is a
 * byte-exact pass-through, so it uses `node:http` / `node:https` directly: no body re-encoding, no header
 * normalisation, no retries or redirects that a client library would add.
 */
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { describeError } from './describe-error.js';
import { forwardableHeaders } from './forward-headers.js';

/** What the app made of a forwarded delivery: its status, or null and why there is none. */
export interface ForwardOutcome {
  forwardStatus: number | null;
  forwardError?: string;
}

export interface Forwarder {
  /** Forwards one delivery; never rejects (a failure is a ForwardOutcome). */
  forward(req: IncomingMessage, body: Buffer): Promise<ForwardOutcome>;
  /** Ends every forward still under way (each then reports its error). */
  abortAll(): void;
}

/** The --forward URL, checked: only http and https can be forwarded to. */
export function forwardTarget(forward: string): URL {
  const target = new URL(forward);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new Error(`cannot forward to ${forward}: only http and https URLs`);
  }
  return target;
}

export function createForwarder(target: URL, timeoutMs: number): Forwarder {
  const inFlight = new Set<ClientRequest>();

  function forward(req: IncomingMessage, body: Buffer): Promise<ForwardOutcome> {
    return new Promise<ForwardOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: ForwardOutcome): void => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      try {
        const transport = target.protocol === 'https:' ? https : http;
        const outgoing = transport.request({
          protocol: target.protocol,
          hostname: target.hostname.replace(/^\[|\]$/g, ''),
          port: target.port === '' ? undefined : Number(target.port),
          path: `${target.pathname}${target.search}`,
          method: req.method ?? 'POST',
          headers: forwardableHeaders(req.rawHeaders, req.headers.connection, target.host, body.length).flat(),
          agent: false,
          timeout: timeoutMs,
        });
        inFlight.add(outgoing);
        outgoing.on('close', () => inFlight.delete(outgoing));
        outgoing.on('response', (res) => {
          settle({ forwardStatus: res.statusCode ?? null });
          res.on('error', () => undefined);
          res.resume();
        });
        outgoing.on('timeout', () => {
          settle({ forwardStatus: null, forwardError: `no answer within ${timeoutMs}ms` });
          outgoing.destroy();
        });
        outgoing.on('error', (error) => settle({ forwardStatus: null, forwardError: describeError(error) }));
        outgoing.end(body);
      } catch (error) {
        settle({ forwardStatus: null, forwardError: describeError(error) });
      }
    });
  }

  return {
    forward,
    abortAll: () => {
      for (const outgoing of inFlight) outgoing.destroy(new Error('listener closed'));
    },
  };
}
