// Small process helpers shared by the start and test scripts.
import { spawn } from "node:child_process";

export function step(title) {
  console.log(`\n\x1b[1m▸ ${title}\x1b[0m`);
  return Date.now();
}

export function done(started) {
  console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Runs a command with inherited stdio; rejects with its exit code. */
export function run(cmd, args, { env = process.env, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit", env });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(output);
      else {
        if (quiet) process.stderr.write(output);
        reject(Object.assign(new Error(`${cmd} ${args.join(" ")} exited with ${code ?? signal}`), { exitCode: code ?? 1 }));
      }
    });
  });
}

export const bin = (name) => `node_modules/.bin/${name}`;
