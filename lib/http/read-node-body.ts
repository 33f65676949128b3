// Buffers a node:http request body up to `limit` bytes (the rest is drained,
// not kept), so that a handler sees a too-large body as too large without the
// server holding it. Shared by the lean layer in server.ts and the OFREP layer.
import type { IncomingMessage } from "node:http";

const EMPTY = Buffer.alloc(0);

/**
 * The reader itself, with plain callbacks: the OFREP evaluation path uses it
 * directly, since a promise per request costs there (Next's async hooks).
 */
export function onNodeBody(req: IncomingMessage, limit: number, done: (body: Buffer) => void, failed: (err: Error) => void): void {
  let first: Buffer | null = null;
  let more: Buffer[] | null = null;
  let size = 0;
  req.on("data", (c: Buffer) => {
    if (size >= limit) return;
    size += c.length;
    if (first === null) first = c;
    else (more ??= [first]).push(c);
  });
  req.on("end", () => done((more ? Buffer.concat(more) : (first ?? EMPTY)).subarray(0, limit)));
  req.on("error", failed);
}

export function readNodeBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => onNodeBody(req, limit, resolve, reject));
}
