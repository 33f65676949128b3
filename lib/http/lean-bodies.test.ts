import { describe, expect, it } from "vitest";
import { readJsonBody } from "@/lib/http/read-json";
import { bufferedBody, bufferedResponseText, jsonResponse, requestWithBufferedBody } from "@/lib/http/lean-bodies";

const headers = () => new Headers({ "content-type": "application/json" });

describe("bodies the lean layer has already read", () => {
  it("reads the buffered body without a stream, with the same limits and errors", async () => {
    const req = requestWithBufferedBody("http://x/api/v1/events", { method: "POST", headers: headers() }, Buffer.from('{"events":[1]}'));
    expect(req.body).toBeNull();
    expect(bufferedBody(req)?.toString()).toBe('{"events":[1]}');
    expect(await readJsonBody(req, 1024)).toEqual({ events: [1] });

    const big = requestWithBufferedBody("http://x/", { method: "POST", headers: headers() }, Buffer.alloc(2048, 0x20));
    await expect(readJsonBody(big, 1024)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const bad = requestWithBufferedBody("http://x/", { method: "POST", headers: headers() }, Buffer.from("{nope"));
    await expect(readJsonBody(bad, 1024)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const notUtf8 = requestWithBufferedBody("http://x/", { method: "POST", headers: headers() }, Buffer.from([0x7b, 0xff, 0x7d]));
    await expect(readJsonBody(notUtf8, 1024)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("still reads an ordinary streamed Request (the Next route path)", async () => {
    const req = new Request("http://x/", { method: "POST", headers: headers(), body: '{"a":1}' });
    expect(bufferedBody(req)).toBeUndefined();
    expect(await readJsonBody(req, 1024)).toEqual({ a: 1 });
  });

  it("answers JSON like Response.json and keeps the text for the lean layer", async () => {
    const res = jsonResponse({ ok: true }, { status: 201, headers: { "x-a": "1" } });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-a")).toBe("1");
    expect(bufferedResponseText(res)).toBe('{"ok":true}');
    expect(await res.json()).toEqual({ ok: true });
    expect(bufferedResponseText(Response.json({ ok: true }))).toBeUndefined();
  });
});
