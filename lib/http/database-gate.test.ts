import { describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { needsDatabase, sendDatabaseUnavailable } from "@/lib/http/database-gate";

async function answer(path: string, accept: string) {
  const server = createServer((req, res) => sendDatabaseUnavailable(res, path, req.headers.accept));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { accept } });
    return { status: res.status, headers: res.headers, body: await res.text() };
  } finally {
    server.close();
  }
}

describe("the database gate in front of Next", () => {
  it("stops console pages, server actions and data routes, but not assets, the health report or sign-in plumbing", () => {
    for (const p of ["/", "/p/demo/queue", "/p/demo/exports/1/download", "/metrics", "/admin/users", "/sign-in"]) expect(needsDatabase(p)).toBe(true);
    for (const p of ["/_next/static/chunks/app.js", "/favicon.ico", "/api/health", "/api/auth/session", "/api/openapi.json"]) expect(needsDatabase(p)).toBe(false);
  });

  it("answers a browser with a 503 page and Retry-After", async () => {
    const res = await answer("/p/demo/queue", "text/html,application/xhtml+xml");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.body).toContain("briefly unavailable");
  });

  it("answers other clients with the API's JSON error", async () => {
    const res = await answer("/metrics", "*/*");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "UNAVAILABLE" } });
  });
});
