// Runs the web server (next start) and the worker side by side. Ctrl-C or
// SIGTERM stops both cleanly; if either exits on its own, the other is stopped.
// Given a logFile, their output is also appended there (npm test checks it
// for secrets after the end-to-end run).
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export function serve({ port = 3000, env = process.env, log = console.log, logFile } = {}) {
  if (logFile) mkdirSync(dirname(logFile), { recursive: true });
  const copy = logFile ? createWriteStream(logFile, { flags: "a" }) : null;
  const start = (script, childEnv, nodeFlags = []) => {
    const child = spawn(process.execPath, ["--enable-source-maps", ...nodeFlags, script], { stdio: copy ? ["inherit", "pipe", "pipe"] : "inherit", env: childEnv });
    if (copy) {
      for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
        from.pipe(to, { end: false });
        from.pipe(copy, { end: false });
      }
    }
    return child;
  };
  const children = [
    // The web process's young generation is capped at 8 MB semi-spaces: OFREP
    // evaluation and ingest allocate fast, and a scavenge's pause grows with
    // the semi-space (--trace-gc under bench:flags: median 3.4 ms at 8 MB,
    // 9.5 at 32, 17 at 64). Over 7 and 6 runs, the evaluation's p99 had a
    // median of 15.0 ms at 8 MB and 17.5 at 32, throughput 10.3k and 11.1k
    // req/s: within this machine's noise, so the flag leans toward the tail.
    { name: "web", child: start("dist/server.mjs", { ...env, PORT: String(port), NODE_ENV: "production" }, ["--max-semi-space-size=8"]) },
    { name: "worker", child: start("dist/worker.mjs", env) },
  ];
  let stopping = false;
  const stop = (signal = "SIGTERM") => {
    if (stopping) return;
    stopping = true;
    log(`\n[rampart] stopping web and worker…`);
    for (const { child } of children) if (child.exitCode === null) child.kill(signal);
  };
  const exited = children.map(
    ({ name, child }) =>
      new Promise((resolve) =>
        child.on("exit", (code, signal) => {
          if (!stopping) {
            log(`[rampart] ${name} exited (${code ?? signal}); stopping the other process`);
            stop();
          }
          resolve(code ?? 0);
        }),
      ),
  );
  process.on("SIGINT", () => stop("SIGTERM"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  return Promise.all(exited).then((codes) => (stopping && codes.every((c) => c === 0 || c === null) ? 0 : Math.max(...codes, 1)));
}
