/**
 * Whether a server speaks TLS: one TLS handshake with a short time limit, certificate not checked (only the
 * protocol matters). Used once, after an http:// request was cut off before any answer, to tell the user the
 * port expects https:// instead of blaming a "reset".
 */
import { connect, type ConnectionOptions } from 'node:tls';

export function speaksTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host, port, rejectUnauthorized: false, servername: /^[\d.:[\]]+$/.test(host) ? undefined : host });
    const done = (answer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => done(/alert|handshake/i.test(error.message) && error.code !== 'ECONNRESET'));
  });
}

/** What a server did after a handshake in which apitest wrote nothing. */
export type AfterHandshake = { readonly kind: 'alert'; readonly error: Error } | { readonly kind: 'closed' } | { readonly kind: 'open' } | { readonly kind: 'no-handshake' };

/**
 * What a server does right after the TLS handshake: with TLS 1.3 a server checks the client certificate only
 * after the client's side of the handshake is done, so the request written meanwhile can meet a reset instead
 * of the server's answer. One more handshake with the same settings, writing nothing, sees it: a TLS alert
 * (`certificate required`, `unknown CA`…), a close without one (Node's servers hang up on a certificate they do
 * not trust), or nothing within the time limit.
 */
export function probeAfterHandshake(host: string, port: number, options: ConnectionOptions, timeoutMs: number): Promise<AfterHandshake> {
  return new Promise((resolve) => {
    let settled = false;
    let handshake = false;
    const socket = connect({ ...options, host, port, servername: /^[\d.:[\]]+$/.test(host) ? undefined : host });
    const done = (answer: AfterHandshake): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(handshake ? { kind: 'open' } : { kind: 'no-handshake' }), timeoutMs);
    socket.once('secureConnect', () => (handshake = true));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(/ALERT/.test(error.code ?? '') || /alert/i.test(error.message) ? { kind: 'alert', error } : handshake ? { kind: 'closed' } : { kind: 'no-handshake' }),
    );
    socket.once('close', () => done(handshake ? { kind: 'closed' } : { kind: 'no-handshake' }));
    // Reading keeps the socket flowing, so an alert or a close that follows the handshake is seen.
    socket.on('data', () => undefined);
  });
}
