// Buffers a node:http request body up to `limit` bytes (the rest is drained,
// not kept), so that a handler sees a too-large body as too large without the
// server holding it. Shared by the lean layer in server.ts and the OFREP layer.
import type { IncomingMessage } from "node:http";

export function readNodeBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      if (size >= limit) return;
      size += c.length;
      chunks.push(c);
    });
    req.on("end", () => resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).subarray(0, limit)));
    req.on("error", reject);
  });
}
