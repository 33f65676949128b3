// A lean closed-loop HTTP/1.1 load generator over raw keep-alive TCP sockets:
// requests are pre-built byte buffers and responses are framed by
// Content-Length (or chunked, read to the terminating chunk) without an HTTP
// client library. node:http's client costs ~350 µs of CPU per request here —
// on a 2-core machine the generator would otherwise measure itself. Used by
// bench:flags for both Rampart and Unleash, so the two are driven alike.
import net from "node:net";
import { percentile } from "./http-load";

export type RawLoadResult = {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  latenciesMs: number[];
  clientCpuMsPerRequest: number;
  /** The pre-built requests ran out before the time did (cycle: false). */
  exhausted: boolean;
};

/** Builds one request's bytes. */
export function rawRequest(method: "GET" | "POST", url: URL, pathAndQuery: string, headers: Record<string, string>, body = ""): Buffer {
  const lines = [`${method} ${pathAndQuery} HTTP/1.1`, `host: ${url.host}`, "connection: keep-alive"];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (method === "POST") lines.push("content-type: application/json", `content-length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n${method === "POST" ? body : ""}`);
}

const HEADER_END = Buffer.from("\r\n\r\n");

/** Length of the first complete response in buf, with its status; null while incomplete. */
function frame(buf: Buffer): { length: number; status: number } | null {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return null;
  const head = buf.subarray(0, end).toString("latin1");
  const status = Number(head.slice(9, 12));
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (cl) {
    const total = end + 4 + Number(cl[1]);
    return buf.length >= total ? { length: total, status } : null;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const last = buf.indexOf("\r\n0\r\n\r\n", end);
    return last < 0 ? null : { length: last + 7, status };
  }
  // 204/304 and friends carry no body.
  return { length: end + 4, status };
}

/** `concurrency` connections, each sending the next pre-built request as soon as the previous answer is complete. */
export async function runRawLoad(opts: {
  url: string;
  concurrency: number;
  seconds: number;
  requests: readonly Buffer[];
  /** false: each request is sent once, and the run ends early when they run out (see `exhausted`). Default: cycled. */
  cycle?: boolean;
}): Promise<RawLoadResult> {
  const url = new URL(opts.url);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  let exhausted = false;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;

  const connection = () =>
    new Promise<void>((resolve) => {
      const socket = net.connect({ host: url.hostname, port: Number(url.port || 80), noDelay: true });
      let buf: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      const send = () => {
        if (opts.cycle === false && next >= opts.requests.length) exhausted = true;
        if (exhausted || performance.now() >= deadline) {
          socket.end();
          return;
        }
        sentAt = performance.now();
        socket.write(opts.requests[next++ % opts.requests.length]!);
      };
      socket.on("connect", send);
      socket.on("data", (chunk: Buffer) => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        for (;;) {
          const f = frame(buf);
          if (!f) return;
          buf = buf.subarray(f.length);
          latencies.push(performance.now() - sentAt);
          statuses[f.status] = (statuses[f.status] ?? 0) + 1;
          if (f.status >= 400) errors++;
          send();
        }
      });
      socket.on("error", () => {
        errors++;
        resolve();
      });
      socket.on("close", () => resolve());
    });

  await Promise.all(Array.from({ length: opts.concurrency }, connection));
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    statuses,
    seconds: (performance.now() - started) / 1000,
    latenciesMs: latencies,
    clientCpuMsPerRequest: latencies.length ? (cpu.user + cpu.system) / 1000 / latencies.length : NaN,
    exhausted,
  };
}

export function summarizeRaw(r: RawLoadResult) {
  const round2 = (n: number) => Number(n.toFixed(2));
  return {
    requests: r.requests,
    errors: r.errors,
    statuses: r.statuses,
    seconds: round2(r.seconds),
    requestsPerSecond: Math.round(r.requests / r.seconds),
    p50Ms: round2(percentile(r.latenciesMs, 50)),
    p99Ms: round2(percentile(r.latenciesMs, 99)),
    loadGeneratorCpuMsPerRequest: Number(r.clientCpuMsPerRequest.toFixed(3)),
  };
}
