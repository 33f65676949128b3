// Rampart migrations CLI (Prisma's WebAssembly schema engine; no native binary needed).
//
//   tsx scripts/db/migrate.ts apply            apply pending migrations      (npm run db:migrate)
//   tsx scripts/db/migrate.ts create <name>    write a new migration folder  (npm run db:migration -- <name>)
//   tsx scripts/db/migrate.ts status           pending / failed migrations   (npm run db:status)
//   tsx scripts/db/migrate.ts check            exit 2 if schema.prisma and the migrations disagree
//
// DATABASE_URL comes from the environment or `.env` in the project root (the folder
// holding prisma/, searched upwards from the current directory).
// Exit codes: 0 ok, 1 error (or, for status, database not up to date), 2 drift (check).

import path from "node:path";

import {
  applyMigrations,
  checkDrift,
  createMigration,
  findProjectRoot,
  MigrationError,
  migrationStatus,
  wasInterrupted,
  type EngineOptions,
} from "./schema-engine.ts";

const USAGE = `Usage: migrate <command>

Commands:
  apply          Apply all pending migrations in prisma/migrations
  create <name>  Create prisma/migrations/<timestamp>_<name>/migration.sql from schema changes
  status         Show pending and failed migrations (exit 1 if the database is not up to date)
  check          Exit 2 if prisma/schema.prisma and prisma/migrations disagree`;

function rel(root: string, p: string): string {
  return path.relative(root, p) || p;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command ? 0 : 1;
  }

  const root = findProjectRoot();
  const verbose = rest.includes("--verbose") || rest.includes("-v");
  const args = rest.filter((a) => !a.startsWith("-"));
  const options: EngineOptions = {
    root,
    handleSignals: true,
    log: verbose ? (m) => console.error(`  · ${m}`) : undefined,
  };

  switch (command) {
    case "apply": {
      const { applied, createdDatabase } = await applyMigrations(options);
      if (createdDatabase) console.log("Created the database (it did not exist).");
      if (applied.length === 0) {
        console.log("No pending migrations to apply.");
      } else {
        console.log(`Applied ${applied.length} migration${applied.length === 1 ? "" : "s"}:`);
        for (const name of applied) console.log(`  ✔ ${name}`);
      }
      return 0;
    }

    case "create": {
      const name = args[0];
      if (!name) {
        console.error("Missing migration name. Usage: npm run db:migration -- <name>");
        return 1;
      }
      const result = await createMigration({ ...options, name });
      if (!result.migrationPath) {
        console.log("No schema changes: prisma/schema.prisma matches the migrations. Nothing created.");
        return 0;
      }
      console.log(`Created ${rel(root, result.migrationPath)}`);
      if (result.createdLockfile) console.log("Created prisma/migrations/migration_lock.toml");
      console.log("Review it, then run `npm run db:migrate` to apply it.");
      return 0;
    }

    case "status": {
      const s = await migrationStatus(options);
      console.log(`${s.local.length} migration${s.local.length === 1 ? "" : "s"} found in prisma/migrations.`);
      if (!s.hasMigrationsTable && s.local.length > 0) console.log("The database has no migrations table yet.");
      if (s.pending.length) {
        console.log(`Pending (not yet applied): ${s.pending.length}`);
        for (const n of s.pending) console.log(`  • ${n}`);
      }
      if (s.failed.length) {
        console.log(`Failed: ${s.failed.length}`);
        for (const n of s.failed) console.log(`  ✘ ${n}`);
      }
      if (s.edited.length) {
        console.log("Modified after being applied (checksum mismatch):");
        for (const n of s.edited) console.log(`  ! ${n}`);
      }
      if (s.unknownToFolder.length) {
        console.log("Applied to the database but missing from prisma/migrations:");
        for (const n of s.unknownToFolder) console.log(`  ? ${n}`);
      }
      if (s.diverged) console.log("The database history and the migrations folder have diverged.");
      if (s.upToDate) {
        console.log("Database schema is up to date.");
        return 0;
      }
      return 1;
    }

    case "check": {
      const { drift, summary } = await checkDrift(options);
      if (!drift) {
        console.log("No drift: prisma/schema.prisma matches prisma/migrations.");
        return 0;
      }
      console.error("Drift: prisma/schema.prisma has changes that no migration contains:");
      console.error(summary.replace(/^(?=.)/gm, "  "));
      console.error("Create a migration with `npm run db:migration -- <name>`.");
      return 2;
    }

    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 1;
  }
}

// Exit explicitly: during applyMigrations the wasm engine starts a 10 s setTimeout (through
// its glue) that it never clears; it would keep the process alive ~10 s after `apply`/`create`.
main(process.argv.slice(2)).then(
  (code) => {
    if (!wasInterrupted()) process.exit(code);
  },
  (e: unknown) => {
    if (wasInterrupted()) return; // the signal handler drops temporary databases, then exits
    if (e instanceof MigrationError) {
      console.error(`Migration error: ${e.message}`);
    } else {
      console.error(e);
    }
    process.exit(1);
  },
);
