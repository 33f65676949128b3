// The lean layer in server.ts holds a request's whole body in one Buffer
// before a handler runs, and writes a response in one piece. Passing those
// on the side skips the web-streams round trip each way (a Request's body
// stream read back into chunks, a Response's body read back through
// arrayBuffer()), which costs more than the rest of a small ingest request.
// Handlers still take a Request and return a Response: under Next nothing is
// attached, and they read and write the streams as before.
const requestBodies = new WeakMap<Request, Buffer>();
const responseTexts = new WeakMap<Response, string>();

/** A Request whose body the caller has already read (it is not re-streamed). */
export function requestWithBufferedBody(url: string, init: { method: string; headers: Headers }, body: Buffer | undefined): Request {
  const request = new Request(url, init);
  if (body) requestBodies.set(request, body);
  return request;
}

export function bufferedBody(req: Request): Buffer | undefined {
  return requestBodies.get(req);
}

/** Response.json, remembering the serialized body so the lean layer can write it as is. */
export function jsonResponse(data: unknown, init: ResponseInit = {}): Response {
  const text = JSON.stringify(data);
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  const response = new Response(text, { ...init, headers });
  responseTexts.set(response, text);
  return response;
}

export function bufferedResponseText(res: Response): string | undefined {
  return responseTexts.get(res);
}
