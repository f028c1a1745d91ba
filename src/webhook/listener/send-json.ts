import type { ServerResponse } from 'node:http';

/** Answers with a small JSON body; a no-op once an answer has started or the connection is gone. */
export function sendJson(res: ServerResponse, status: number, payload: unknown, extraHeaders: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}
