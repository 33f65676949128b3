// The address policy is applied where the worker connects: a receiver on
// loopback is reached only when the policy allows it, whether the URL names
// the address or a host name that resolves to it (checked after DNS).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { postWebhook } from "@/lib/webhooks/post-webhook";

let server: Server;
let port = 0;
const received: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const deny = { allowPrivate: false, allowLoopback: false };
const loopback = { allowPrivate: false, allowLoopback: true };
const post = (url: string, policy: typeof deny) => postWebhook(url, { "content-type": "application/json" }, '{"n":1}', { policy, timeoutMs: 5_000 });

describe("webhook sends under the address policy", () => {
  it("refuses a literal loopback address and a name that resolves to one, sending nothing", async () => {
    await expect(post(`http://127.0.0.1:${port}/hook`, deny)).rejects.toMatchObject({ name: "RefusedAddressError" });
    await expect(post(`http://localhost:${port}/hook`, deny)).rejects.toMatchObject({ name: "RefusedAddressError", message: expect.stringMatching(/localhost resolves to/) });
    expect(received).toHaveLength(0);
  });

  it("delivers when the policy allows loopback, and reports the receiver's status", async () => {
    expect(await post(`http://127.0.0.1:${port}/hook`, loopback)).toEqual({ status: 204, text: "" });
    expect(await post(`http://localhost:${port}/hook`, loopback)).toMatchObject({ status: 204 });
    expect(received).toEqual(['{"n":1}', '{"n":1}']);
  });
});
