/**
 * Whether a server speaks TLS: one TLS handshake with a short time limit, certificate not checked (only the
 * protocol matters). Used once, after an http:// request was cut off before any answer, to tell the user the
 * port expects https:// instead of blaming a "reset".
 */
import { connect } from 'node:tls';

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
