/**
 * The listener's defences, as pure steps: the 413 drain and its bounds (with fake timers), and the report of
 * a connection that carried no request.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { closingJsonResponse } from '../../src/webhook/listener/client-error.js';
import {
  CONNECTION_CLOSED_REASON,
  CONNECTION_RESET_REASON,
  endedConnectionReason,
  LISTENER_STOPPED_REASON,
  NO_REQUEST_REASON,
} from '../../src/webhook/listener/ended-connection.js';
import { refuseTooLarge } from '../../src/webhook/listener/refuse-too-large.js';

describe('endedConnectionReason (a connection that carried no request)', () => {
  test.each([
    [{ error: 'ECONNRESET', bytesRead: 0 }, false, CONNECTION_RESET_REASON],
    [{ error: 'ECONNRESET', bytesRead: 120 }, false, CONNECTION_RESET_REASON],
    [{ error: 'EPIPE', bytesRead: 0 }, false, `${CONNECTION_CLOSED_REASON} (EPIPE)`],
    [{ error: undefined, bytesRead: 0 }, false, NO_REQUEST_REASON],
    [{ error: undefined, bytesRead: 7 }, false, CONNECTION_CLOSED_REASON],
    [{ error: 'ECONNRESET', bytesRead: 0 }, true, LISTENER_STOPPED_REASON],
  ])('%j (listener stopping: %s) → %j', (ended, stopping, reason) => {
    expect(endedConnectionReason(ended, stopping)).toBe(reason);
  });
});

test('closingJsonResponse: a whole answer with extra headers that closes the connection', () => {
  expect(closingJsonResponse(405, { error: 'method not allowed' }, { Allow: 'POST' })).toBe(
    'HTTP/1.1 405 Method Not Allowed\r\nAllow: POST\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n{"error":"method not allowed"}',
  );
});

describe('refuseTooLarge (413, then drain within bounds)', () => {
  class FakeRequest extends EventEmitter {}
  function fakeResponse() {
    return {
      headersSent: false,
      writableEnded: false,
      destroyed: false,
      writeHead: jest.fn(),
      write: jest.fn(),
      end: jest.fn(),
    };
  }
  const limits = { bytes: 1000, ms: 5000, idleMs: 2000 };

  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  function refuse(): { req: FakeRequest; res: ReturnType<typeof fakeResponse>; drained: jest.Mock } {
    const req = new FakeRequest();
    const res = fakeResponse();
    const drained = jest.fn();
    req.on('data', () => {
      throw new Error('the body must no longer be collected');
    });
    refuseTooLarge(req as unknown as IncomingMessage, res as unknown as ServerResponse, drained, limits);
    return { req, res, drained };
  }

  test('the 413 is written at once (Connection: close); the response ends, and the caller is told, when the upload has ended', () => {
    const { req, res, drained } = refuse();
    expect(res.writeHead).toHaveBeenCalledWith(413, { 'Content-Type': 'application/json', 'Content-Length': 26, Connection: 'close' });
    expect(res.write).toHaveBeenCalledWith('{"error":"body too large"}');
    req.emit('data', Buffer.alloc(600));
    req.emit('data', Buffer.alloc(400));
    expect(res.end).not.toHaveBeenCalled();
    expect(drained).not.toHaveBeenCalled();
    req.emit('end');
    req.emit('close');
    expect(res.end).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(60_000);
    expect(res.end).toHaveBeenCalledTimes(1);
    expect(drained).toHaveBeenCalledTimes(1);
  });

  test('a sender that hangs up once it has read the 413 ends the drain', () => {
    const { req, res, drained } = refuse();
    req.emit('data', Buffer.alloc(10));
    req.emit('close');
    expect(res.end).toHaveBeenCalledTimes(1);
    expect(drained).toHaveBeenCalledTimes(1);
  });

  test('more than the byte bound: the connection is closed without waiting for the end', () => {
    const { req, res } = refuse();
    req.emit('data', Buffer.alloc(1000));
    expect(res.end).not.toHaveBeenCalled();
    req.emit('data', Buffer.alloc(1));
    expect(res.end).toHaveBeenCalledTimes(1);
    req.emit('data', Buffer.alloc(5000));
    req.emit('end');
    expect(res.end).toHaveBeenCalledTimes(1);
  });

  test('past the time bound: the connection is closed, however steadily the upload goes on', () => {
    const { req, res } = refuse();
    for (let t = 0; t < 4900; t += 100) {
      req.emit('data', Buffer.alloc(10));
      jest.advanceTimersByTime(100);
    }
    expect(res.end).not.toHaveBeenCalled();
    jest.advanceTimersByTime(100);
    expect(res.end).toHaveBeenCalledTimes(1);
  });

  test('nothing arriving for the idle bound: the connection is closed', () => {
    const { req, res } = refuse();
    jest.advanceTimersByTime(1500);
    req.emit('data', Buffer.alloc(10));
    jest.advanceTimersByTime(1999);
    expect(res.end).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(res.end).toHaveBeenCalledTimes(1);
  });

  test('an answer already under way is not written twice; the upload is still discarded', () => {
    const req = new FakeRequest();
    const res = { ...fakeResponse(), headersSent: true };
    const drained = jest.fn();
    refuseTooLarge(req as unknown as IncomingMessage, res as unknown as ServerResponse, drained, limits);
    req.emit('data', Buffer.alloc(10));
    expect(res.writeHead).not.toHaveBeenCalled();
    expect(res.end).not.toHaveBeenCalled();
    expect(drained).toHaveBeenCalledTimes(1);
  });
});
