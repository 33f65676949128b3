import { describe, expect, it } from "vitest";
import { crossOriginReason, refuseCrossOrigin } from "./same-origin";

const APP = "https://rampart.example.com";
const reason = (method: string, headers: Record<string, string>, appUrl: string | undefined = APP) =>
  crossOriginReason(method, new Headers(headers), appUrl);

describe("cross-origin refusal", () => {
  it("never refuses reads", () => {
    for (const m of ["GET", "HEAD", "OPTIONS", "get"]) expect(reason(m, { origin: "https://evil.example", "sec-fetch-site": "cross-site" })).toBeNull();
  });

  it("lets same-origin state changes through, by public URL or by Host", () => {
    expect(reason("POST", { origin: APP, host: "10.0.0.5:3000", "sec-fetch-site": "same-origin" })).toBeNull();
    expect(reason("POST", { origin: "http://localhost:3100", host: "localhost:3100" }, "http://localhost:3100")).toBeNull();
    expect(reason("DELETE", { origin: "https://console.internal", host: "app:3000", "x-forwarded-host": "console.internal" })).toBeNull();
  });

  it("refuses another origin, even on the same site", () => {
    expect(reason("POST", { origin: "https://evil.example", host: "rampart.example.com" })).toMatch(/Cross-origin/);
    expect(reason("PATCH", { origin: "https://other.example.com", host: "rampart.example.com", "sec-fetch-site": "same-site" })).toMatch(/Cross-origin/);
    expect(reason("POST", { origin: "http://rampart.example.com:8080", host: "rampart.example.com" })).toMatch(/Cross-origin/);
  });

  it("refuses cross-site fetches whatever Origin says, opaque and malformed origins", () => {
    expect(reason("POST", { origin: APP, host: "rampart.example.com", "sec-fetch-site": "cross-site" })).toMatch(/Cross-site/);
    expect(reason("POST", { origin: "null", host: "rampart.example.com" })).toMatch(/opaque/);
    expect(reason("PUT", { origin: "not a url", host: "rampart.example.com" })).toMatch(/Malformed/);
  });

  it("lets non-browser clients (no Origin, no Sec-Fetch-Site) through", () => {
    expect(reason("POST", { host: "rampart.example.com" })).toBeNull();
  });

  it("answers a refusal with 403 in the API's error shape", async () => {
    const res = refuseCrossOrigin(new Request(`${APP}/api/auth/signout`, { method: "POST", headers: { origin: "https://evil.example" } }), APP);
    expect(res?.status).toBe(403);
    expect(await res?.json()).toEqual({ error: { code: "FORBIDDEN", message: "Cross-origin request refused" } });
  });
});
