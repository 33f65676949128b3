// `npm start`: install, make sure Postgres and Redis are up, configure, build,
// migrate, seed demo data on first run, then serve the console and the worker.
import { existsSync } from "node:fs";
import { done, run, step } from "./lib/run.mjs";
import { ensureEnvFile } from "./lib/env-file.mjs";
import { buildIsCurrent, writeBuildStamp } from "./lib/build-stamp.mjs";
import { serve } from "./lib/serve.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";

async function main() {
  let t = step("Installing dependencies");
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"]);
  done(t);

  t = step("Configuration");
  const filled = ensureEnvFile();
  console.log(filled.length ? `  generated ${filled.join(", ")} in .env` : "  using .env");
  process.loadEnvFile(".env");
  done(t);

  t = step("Postgres and Redis");
  const { ensureServices, ensureDatabase } = await import("./services.mjs");
  await ensureServices({ databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL });
  await ensureDatabase(process.env.DATABASE_URL, { log: (m) => console.log(`  ${m}`) });
  done(t);

  if (buildIsCurrent() && existsSync(".next/BUILD_ID")) {
    console.log("\n▸ Build is current; skipping");
  } else {
    t = step("Building (Prisma client, Next.js, worker bundle)");
    await run("npm", ["run", "--silent", "build"]);
    writeBuildStamp();
    done(t);
  }

  t = step("Database migrations");
  await run(process.execPath, ["dist/migrate.mjs", "apply"]);
  done(t);

  t = step("Demo data");
  await run(process.execPath, ["dist/seed.mjs"]);
  done(t);

  const port = Number(process.env.PORT ?? 3000);
  console.log(`\n\x1b[1mRampart is starting on ${process.env.NEXTAUTH_URL ?? `http://localhost:${port}`}\x1b[0m (Ctrl-C stops it)\n`);
  process.exitCode = await serve({ port });
}

main().catch((err) => {
  console.error(`\n[rampart] npm start failed: ${err.message}`);
  process.exit(err.exitCode ?? 1);
});
