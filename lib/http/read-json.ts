// Reads a JSON request body with a hard size limit, without buffering more
// than the limit: oversized bodies get 413, malformed JSON 400.
import { AppError } from "@/lib/errors";
import { bufferedBody } from "@/lib/http/lean-bodies";

export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  return (await readJsonBodySized(req, maxBytes)).value;
}

/** readJsonBody, with the body's size in bytes. */
export async function readJsonBodySized(req: Request, maxBytes: number): Promise<{ value: unknown; bytes: number }> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new AppError("PAYLOAD_TOO_LARGE", `Request body is larger than ${maxBytes} bytes`);
  }
  const type = req.headers.get("content-type") ?? "";
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError("BAD_REQUEST", "Content-Type must be application/json");
  }
  const buffered = bufferedBody(req);
  if (buffered) {
    if (buffered.byteLength > maxBytes) throw new AppError("PAYLOAD_TOO_LARGE", `Request body is larger than ${maxBytes} bytes`);
    return { value: parseJson(buffered), bytes: buffered.byteLength };
  }
  if (!req.body) throw new AppError("BAD_REQUEST", "Request body is empty");
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("PAYLOAD_TOO_LARGE", `Request body is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return { value: parseJson(Buffer.concat(chunks)), bytes: size };
}

export function parseJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("BAD_REQUEST", "Request body is not valid UTF-8");
  }
  if (text.trim() === "") throw new AppError("BAD_REQUEST", "Request body is empty");
  try {
    return JSON.parse(text);
  } catch (err) {
    // Deeply nested input overflows the parser's stack: still the client's fault.
    throw new AppError("BAD_REQUEST", `Malformed JSON: ${err instanceof RangeError ? "nested too deeply" : (err as Error).message}`);
  }
}
