/**
 * The listener's bookkeeping per connection: open sockets (destroyed on close), the delivery each one is
 * receiving, which ones have a failed parser, and whether each one carried a request at all, so that a
 * connection that ends without one (reset, closed, cut) is still reported once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The delivery being received on a socket, as the clientError handler needs it. */
export interface Receiving {
  req: IncomingMessage;
  res: ServerResponse;
  /** Reports the delivery as failed with this status and reason (a no-op once it was reported). */
  fail: (status: number, reason: string) => void;
}

/** How a connection that carried no request ended: what its report is made of. */
export interface EndedConnection {
  /** The socket error that ended it (e.g. ECONNRESET), if any. */
  error: string | undefined;
  /** Bytes received on it. */
  bytesRead: number;
}

interface ConnectionState {
  /** Requests on this connection that are (or will be) reported: deliveries and parser failures. */
  requests: number;
  error: string | undefined;
}

export class Connections {
  readonly #sockets = new Map<Socket, ConnectionState>();
  /**
   * The request being received on each socket: a parse error while its body is still arriving
   * (e.g. broken chunked framing) belongs to that delivery rather than to a new, unknown one.
   */
  readonly #receiving = new Map<Socket, Receiving>();
  /** Sockets whose parser failed: node raises the same error for every later chunk, reported once. */
  readonly #broken = new WeakSet<Socket>();

  /**
   * Keeps `socket` until it closes. When it closes without having carried a request that is reported
   * (no delivery, no parse error), `onEndedWithoutRequest` is told how it ended.
   */
  track(socket: Socket, onEndedWithoutRequest: (ended: EndedConnection) => void): void {
    const state: ConnectionState = { requests: 0, error: undefined };
    this.#sockets.set(socket, state);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.#receiving.delete(socket);
      if (state.requests === 0) onEndedWithoutRequest({ error: state.error, bytesRead: socket.bytesRead });
    });
  }

  /** Notes a request on `socket` that is, or will be, reported: the connection needs no report of its own. */
  noteRequest(socket: Socket): void {
    const state = this.#sockets.get(socket);
    if (state !== undefined) state.requests += 1;
  }

  /** Notes the socket error (ECONNRESET, EPIPE, ...) that is ending `socket`; the first one is kept. */
  noteError(socket: Socket, code: string | undefined): void {
    const state = this.#sockets.get(socket);
    if (state !== undefined && state.error === undefined) state.error = code ?? 'socket error';
  }

  /** Notes that `entry` is being received on `socket`; the returned function forgets it (if it is still that one). */
  receive(socket: Socket, entry: Receiving): () => void {
    this.#receiving.set(socket, entry);
    return () => {
      if (this.#receiving.get(socket) === entry) this.#receiving.delete(socket);
    };
  }

  /** The delivery that was being received on `socket`, if any, which is forgotten. */
  take(socket: Socket): Receiving | undefined {
    const current = this.#receiving.get(socket);
    this.#receiving.delete(socket);
    return current;
  }

  /** Marks `socket`'s parser as failed; false when it already was (a repeat of the same error). */
  markBroken(socket: Socket): boolean {
    if (this.#broken.has(socket)) return false;
    this.#broken.add(socket);
    return true;
  }

  destroyAll(): void {
    for (const socket of this.#sockets.keys()) socket.destroy();
  }
}
