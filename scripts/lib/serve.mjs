// Runs the web server (next start) and the worker side by side. Ctrl-C or
// SIGTERM stops both cleanly; if either exits on its own, the other is stopped.
import { spawn } from "node:child_process";

export function serve({ port = 3000, env = process.env, log = console.log } = {}) {
  const children = [
    { name: "web", child: spawn(process.execPath, ["--enable-source-maps", "dist/server.mjs"], { stdio: "inherit", env: { ...env, PORT: String(port), NODE_ENV: "production" } }) },
    { name: "worker", child: spawn(process.execPath, ["--enable-source-maps", "dist/worker.mjs"], { stdio: "inherit", env }) },
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
