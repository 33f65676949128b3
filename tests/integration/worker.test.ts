// The worker as a real process: it answers a job enqueued by the web side's
// producer, reports health, and exits cleanly on SIGTERM.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { enqueue, closeQueues } from "@/lib/queues/producers";
import { pingReplyKey, WORKER_HEARTBEAT_PREFIX } from "@/lib/queues/contracts";
import { redis, disconnectRedis } from "@/lib/redis";

afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
});

/** A port nobody listens on, so the health answer can only come from our child. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitFor<T>(fn: () => Promise<T | null | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn().catch(() => null);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms`);
}

describe("worker process", () => {
  it("processes a job from the shared contract, reports health, and stops on SIGTERM", async () => {
    const HEALTH_PORT = await freePort();
    // One process (tsx as a loader, not its CLI wrapper), so signals reach the worker itself.
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
      env: { ...process.env, WORKER_HEALTH_PORT: String(HEALTH_PORT) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const health = await waitFor(async () => {
        const res = await fetch(`http://127.0.0.1:${HEALTH_PORT}/`);
        return res.ok ? ((await res.json()) as { status: string; workerId: string }) : null;
      }, 20_000);
      expect(health.status).toBe("ok");
      expect(await redis().exists(WORKER_HEARTBEAT_PREFIX + health.workerId)).toBe(1);

      const nonce = randomUUID();
      await enqueue("system", "ping", { nonce, sentAt: Date.now() });
      const reply = await waitFor(() => redis().get(pingReplyKey(nonce)), 10_000);
      expect(JSON.parse(reply)).toMatchObject({ latencyMs: expect.any(Number) });

      child.kill("SIGTERM");
      expect(await exited, output).toBe(0);
      expect(output).toContain("[worker] stopped");
      expect(await redis().exists(WORKER_HEARTBEAT_PREFIX + health.workerId)).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 40_000);

  it("refuses to start when the environment tries to enable a welded flag, naming it", async () => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
      env: { ...process.env, WORKER_HEALTH_PORT: String(await freePort()), RAMPART_FLAG_RAW_MODEL_OUTPUT: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(1);
    expect(output).toContain('RAMPART_FLAG_RAW_MODEL_OUTPUT: the flag "raw-model-output" is welded off');
  }, 30_000);

  it("rejects a payload that breaks the contract before it reaches Redis", async () => {
    await expect(enqueue("system", "ping", { nonce: "", sentAt: Date.now() })).rejects.toThrow();
  });
});
