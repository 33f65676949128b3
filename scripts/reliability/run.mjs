// `npm run test:reliability`: the fault-injection drill of issue #11
// (scripts/reliability/drill.ts) against the production build, which it
// makes first when dist/ is not current. Postgres and Redis are private
// instances on ports 5440 and 6390: the machine's own are never touched.
// Takes about five minutes; prints a table, a RELIABILITY_JSON line and
// "reliability: N passed, N failed".
import { existsSync } from "node:fs";
import { generatedSecrets } from "../lib/env-file.mjs";
import { buildIsCurrent, writeBuildStamp } from "../lib/build-stamp.mjs";
import { bin, done, run, step } from "../lib/run.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
// Fresh secrets for this run's app (the build itself embeds none: check-bundle-secrets makes sure).
const env = { ...process.env, ...generatedSecrets() };

async function main() {
  if (buildIsCurrent() && existsSync(".next/BUILD_ID")) {
    console.log("▸ Production build is current; reusing it");
  } else {
    let t = step("Production build");
    await run("npm", ["run", "--silent", "build"], { env });
    done(t);
    t = step("No secrets in the client bundle");
    await run("node", ["scripts/check-bundle-secrets.mjs"], { env });
    writeBuildStamp();
    done(t);
  }
  const t = step("Reliability drill (worker SIGKILL, Redis lost, Postgres down, under load)");
  await run(bin("tsx"), ["--conditions=react-server", "scripts/reliability/drill.ts"], { env });
  done(t);
}

main().catch((err) => {
  console.error(`\n[rampart] reliability drill failed: ${err.message}`);
  process.exitCode = err.exitCode ?? 1;
});
