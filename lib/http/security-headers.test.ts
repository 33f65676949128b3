import { describe, expect, it } from "vitest";
import { createNonce, isApiPath, isTls, pageContentSecurityPolicy } from "./security-headers";

const directives = (policy: string) => new Map(policy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

describe("page content security policy", () => {
  it("runs only scripts with this request's nonce in production", () => {
    const script = directives(pageContentSecurityPolicy("abc123==", { dev: false, tls: false })).get("script-src");
    expect(script).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
  });

  it("allows eval only in development", () => {
    expect(directives(pageContentSecurityPolicy("n", { dev: true, tls: false })).get("script-src")).toContain("'unsafe-eval'");
  });

  it("forbids framing, plugins, foreign forms and base URLs", () => {
    const d = directives(pageContentSecurityPolicy("n", { dev: false, tls: false }));
    expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    expect(d.get("object-src")).toEqual(["'none'"]);
    expect(d.get("form-action")).toEqual(["'self'"]);
    expect(d.get("base-uri")).toEqual(["'self'"]);
    expect(d.get("connect-src")).toEqual(["'self'"]);
  });

  it("upgrades insecure subresources only over TLS (it would break plain-http localhost)", () => {
    expect(directives(pageContentSecurityPolicy("n", { dev: false, tls: true })).has("upgrade-insecure-requests")).toBe(true);
    expect(directives(pageContentSecurityPolicy("n", { dev: false, tls: false })).has("upgrade-insecure-requests")).toBe(false);
  });
});

describe("nonces", () => {
  it("are fresh, 128-bit and valid CSP nonce sources", () => {
    const seen = new Set(Array.from({ length: 100 }, createNonce));
    expect(seen.size).toBe(100);
    for (const n of seen) {
      expect(n).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(Buffer.from(n, "base64")).toHaveLength(16);
    }
  });
});

describe("TLS detection (HSTS)", () => {
  it("trusts a forwarding proxy or an https public URL", () => {
    expect(isTls("https", "http://localhost:3000")).toBe(true);
    expect(isTls("HTTPS, http", undefined)).toBe(true);
    expect(isTls(undefined, "https://rampart.example.com")).toBe(true);
  });

  it("is off for plain http", () => {
    expect(isTls(undefined, "http://localhost:3000")).toBe(false);
    expect(isTls("http", "http://localhost:3000")).toBe(false);
    expect(isTls(null, undefined)).toBe(false);
  });
});

describe("API paths", () => {
  it("are the JSON API and OFREP, not console pages", () => {
    expect(isApiPath("/api/health")).toBe(true);
    expect(isApiPath("/ofrep/v1/evaluate/flags")).toBe(true);
    expect(isApiPath("/p/support-assistant/queue")).toBe(false);
    expect(isApiPath("/apidocs")).toBe(false);
  });
});
