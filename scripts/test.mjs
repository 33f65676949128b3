// `npm test`: everything the suite needs, then typecheck, lint, unit,
// integration and end-to-end tests, against a database of its own
// (rampart_test, recreated each run) and Redis database 1; then the
// reliability drill, against private Postgres and Redis instances of its own.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { generatedSecrets } from "./lib/env-file.mjs";
import { buildIsCurrent, writeBuildStamp } from "./lib/build-stamp.mjs";
import { bin, done, run, step } from "./lib/run.mjs";
import { printReliabilitySummary } from "./lib/reliability-summary.mjs";

// `--reliability` (npm run test:reliability): only the reliability and security
// suite — the fault drill, the fuzz run, the XSS corpus, the authorization
// matrix and the security specs — with the same set-up, and its summary table.
const RELIABILITY_ONLY = process.argv.includes("--reliability");
const RELIABILITY_VITEST = ["tests/integration/fuzz-public-api.test.ts", "tests/integration/api-keys.test.ts", "tests/integration/outbox-redis-down.test.ts", "tests/integration/outbox-failed-job.test.ts", "tests/integration/worker-crash.test.ts"];
const RELIABILITY_E2E = ["e2e/security.spec.ts", "e2e/authz-matrix.spec.ts", "e2e/xss-corpus.spec.ts"];

const PORT = 3100;
process.env.NEXT_TELEMETRY_DISABLED = "1";
const RESULTS = ".data/test-results";
const SERVER_LOG = `${RESULTS}/server.log`;

const testEnv = {
  ...process.env,
  ...generatedSecrets(),
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/rampart_test",
  REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/1",
  NEXTAUTH_URL: `http://localhost:${PORT}`,
  PORT: String(PORT),
  WORKER_HEALTH_PORT: String(PORT + 1),
  DATA_DIR: ".data/test-files",
  EXPORT_DIR: ".data/test-exports",
  SEED_PASSWORD: "rampart-e2e-password",
  // Figures the reliability suite's tests leave for its summary table.
  RELIABILITY_FACTS: `${RESULTS}/reliability-facts.jsonl`,
  // The e2e tests scrape /metrics with it (unset, the endpoint answers 404).
  RAMPART_METRICS_TOKEN: randomBytes(24).toString("base64url"),
  OIDC_ISSUER: "",
  OIDC_CLIENT_ID: "",
  OIDC_CLIENT_SECRET: "",
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1",
};

const counts = { passed: 0, failed: 0, skipped: 0 };

function countVitest(file) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, "utf8"));
  counts.passed += r.numPassedTests ?? 0;
  counts.failed += r.numFailedTests ?? 0;
  counts.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}

function countReliability(file) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, "utf8"));
  counts.passed += r.passed ?? 0;
  counts.failed += r.failed ?? 0;
  console.log(
    `  reliability: sent ${r.sent}, acknowledged ${r.acknowledged}, stored ${r.stored}, lost ${r.lost}, duplicated ${r.duplicated}; ` +
      `triage items ${r.triageItems.found}/${r.triageItems.expected}, SLA timers ${r.slaTimers.found}/${r.slaTimers.expected}, ` +
      `exports ok ${r.exports.ok} / failed ${r.exports.failed} / half-written ${r.exports.halfWritten}; ` +
      `503 probes ${r.probes503.count} (max ${r.probes503.maxLatencyMs} ms); ${r.wallSeconds} s`,
  );
}

function countPlaywright(file) {
  if (!existsSync(file)) return;
  const s = JSON.parse(readFileSync(file, "utf8")).stats ?? {};
  counts.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  counts.failed += s.unexpected ?? 0;
  counts.skipped += s.skipped ?? 0;
}

async function main() {
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });

  let t = step("Installing dependencies");
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"]);
  done(t);

  t = step("Postgres and Redis (test database rampart_test, Redis db 1)");
  const { ensureServices, ensureDatabase, ensureChromium, ensurePromtool } = await import("./services.mjs");
  await ensureServices({ databaseUrl: testEnv.DATABASE_URL, redisUrl: testEnv.REDIS_URL });
  await ensureDatabase(testEnv.DATABASE_URL, { recreate: true, log: (m) => console.log(`  ${m}`) });
  await run("redis-cli", ["-u", testEnv.REDIS_URL, "FLUSHDB"], { quiet: true });
  done(t);

  t = step("Chromium for the end-to-end tests");
  testEnv.CHROMIUM_PATH = await ensureChromium({ path: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", log: (m) => console.log(`  ${m}`) });
  done(t);

  t = step("promtool for the /metrics test");
  await ensurePromtool({ log: (m) => console.log(`  ${m}`) });
  done(t);

  t = step("Prisma client and migrations");
  await run("npm", ["run", "--silent", "db:generate"], { env: testEnv, quiet: true });
  await run(bin("tsx"), ["scripts/db/migrate.ts", "apply"], { env: testEnv });
  done(t);

  t = step("Demo data (the end-to-end tests sign in as the demo accounts)");
  await run(bin("tsx"), ["--conditions=react-server", "prisma/seed.ts"], { env: testEnv });
  done(t);

  if (!RELIABILITY_ONLY) {
    t = step("Typecheck");
    await run(bin("tsc"), ["--noEmit"], { env: testEnv });
    done(t);

    t = step("Lint");
    await run(bin("eslint"), ["--max-warnings", "0", "."], { env: testEnv });
    done(t);
  }

  t = step("Unit and integration tests (vitest)");
  try {
    await run(bin("vitest"), ["run", ...(RELIABILITY_ONLY ? RELIABILITY_VITEST : []), "--reporter=default", "--reporter=json", `--outputFile.json=${RESULTS}/vitest.json`], {
      env: { ...testEnv, NODE_ENV: "test" },
    });
  } finally {
    countVitest(`${RESULTS}/vitest.json`);
  }
  done(t);

  if (buildIsCurrent() && existsSync(".next/BUILD_ID")) {
    console.log("\n▸ Production build is current; skipping");
  } else {
    t = step("Production build");
    await run("npm", ["run", "--silent", "build"], { env: testEnv });
    done(t);

    // Before the stamp: a build is only ever reused once it has passed this
    // check with the secrets it was built with (each run makes new ones).
    t = step("No secrets in the client bundle");
    await run("node", ["scripts/check-bundle-secrets.mjs"], { env: testEnv });
    writeBuildStamp();
    done(t);
  }

  t = step("End-to-end tests (Playwright, Chromium)");
  try {
    await run(bin("playwright"), ["test", ...(RELIABILITY_ONLY ? RELIABILITY_E2E : [])], {
      env: { ...testEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: `${RESULTS}/playwright.json`, RAMPART_SERVER_LOG: SERVER_LOG },
    });
  } finally {
    countPlaywright(`${RESULTS}/playwright.json`);
  }
  done(t);

  t = step("No secrets in the server and worker output of the end-to-end run");
  await run("node", ["scripts/check-bundle-secrets.mjs", "--log", SERVER_LOG], { env: testEnv });
  done(t);

  // Reuses the build above; Postgres on 5440 and Redis on 6390 are its own, never the ones above.
  t = step("Reliability drill (npm run test:reliability)");
  try {
    await run("node", ["scripts/reliability/run.mjs"], { env: { ...process.env, RELIABILITY_RESULT_FILE: `${RESULTS}/reliability.json` } });
  } finally {
    countReliability(`${RESULTS}/reliability.json`);
  }
  done(t);
}

main()
  .catch((err) => {
    console.error(`\n[rampart] npm test failed: ${err.message}`);
    process.exitCode = err.exitCode ?? 1;
  })
  .finally(() => {
    printReliabilitySummary(RESULTS);
    if (counts.failed > 0 && !process.exitCode) process.exitCode = 1;
    console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  });
