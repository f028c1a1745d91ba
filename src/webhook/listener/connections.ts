/**
 * The listener's bookkeeping per connection: open sockets (destroyed on close), the delivery each one is
 * receiving, and which ones have a failed parser.
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

export class Connections {
  readonly #sockets = new Set<Socket>();
  /**
   * The request being received on each socket: a parse error while its body is still arriving
   * (e.g. broken chunked framing) belongs to that delivery rather than to a new, unknown one.
   */
  readonly #receiving = new Map<Socket, Receiving>();
  /** Sockets whose parser failed: node raises the same error for every later chunk, reported once. */
  readonly #broken = new WeakSet<Socket>();

  /** Keeps `socket` until it closes. */
  track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.#receiving.delete(socket);
    });
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
    for (const socket of this.#sockets) socket.destroy();
  }
}
