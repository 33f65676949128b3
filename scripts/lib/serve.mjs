// Runs the web server (next start) and the worker side by side. Ctrl-C or
// SIGTERM stops both cleanly; if either exits on its own, the other is stopped.
// Given a logFile, their output is also appended there (npm test checks it
// for secrets after the end-to-end run).
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";

/** V8 flags of the web process (see serve). */
const WEB_NODE_FLAGS = ["--no-allocation-site-pretenuring", "--max-semi-space-size=32"];

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
    // V8's allocation-site pretenuring is off in the web process. Requests
    // that wait on Postgres (ingest, a key's first check) outlive scavenges,
    // so V8 starts allocating node:http's request objects straight into the
    // old generation — for every later request too, whose young parts then
    // survive through them: under bench:flags each scavenge kept ~1.75 MB
    // (pauses of 3–5 ms every ~40 ms, and the old generation grew by it) where
    // a plain node:http server keeps 10 KB. Without it the survivors are 10 KB
    // again, so the young generation can be large (fewer scavenges, each
    // under a millisecond). A/B over 3 alternating runs each, OFREP bulk at
    // 50 connections: 8 MB semi-spaces with pretenuring median 16.0k req/s,
    // p99 8.7 ms; without 17.1k, 7.6 ms; without at 32 MB 18.5k, 7.05 ms.
    { name: "web", child: start("dist/server.mjs", { ...env, PORT: String(port), NODE_ENV: "production" }, WEB_NODE_FLAGS) },
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
