// A small closed-loop HTTP load generator over keep-alive connections (no
// client library overhead), for the benchmark scripts.
import http from "node:http";

export type LoadResult = { requests: number; errors: number; statuses: Record<string, number>; seconds: number; latenciesMs: number[] };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function post(agent: http.Agent, url: URL, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Runs `concurrency` clients, each sending makeBody() back to back, until `seconds` pass or `maxRequests` are sent. */
export async function runLoad(opts: {
  url: string;
  headers: Record<string, string>;
  concurrency: number;
  seconds: number;
  maxRequests?: number;
  makeBody: () => string;
}): Promise<LoadResult> {
  const url = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  const max = opts.maxRequests ?? Infinity;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < deadline && sent < max) {
        sent++;
        const body = opts.makeBody();
        const t = performance.now();
        try {
          const status = await post(agent, url, body, opts.headers);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 400) errors++;
        } catch {
          errors++;
        }
        latenciesMs.push(performance.now() - t);
      }
    }),
  );
  agent.destroy();
  return { requests: latenciesMs.length, errors, statuses, seconds: (performance.now() - started) / 1000, latenciesMs: latenciesMs.sort((a, b) => a - b) };
}
