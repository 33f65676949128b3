// `npm run audit:verify [-- --project <slug>] [--trust-key <base64>]…`:
// recomputes the audit hash chains from the database and prints one line per
// chain. Exits 0 when every chain verifies, 1 naming the first broken link,
// 2 on a usage error. Read-only, so it can run with read-only credentials.
import "@/workers/load-env";
import { parseArgs } from "node:util";
import { loadConfigOrExit } from "@/lib/config";
import { db, disconnectDb } from "@/lib/db";
import { signingKey, publicKeyFingerprint } from "@/lib/audit/checkpoint-signature";
import { verifyChains, type ChainReport } from "@/lib/audit/verify-chains";
import { isUuid } from "@/lib/audit/chain";

const usage = `Usage: npm run audit:verify -- [--project <slug>] [--trust-key <base64 Ed25519 public key>]…

Verifies every audit chain, or one project's. Checkpoints must be signed by
the key in AUDIT_SIGNING_KEY or by a key given with --trust-key (for example
the key used before a rotation).`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

let args: { project?: string; "trust-key"?: string[]; help?: boolean };
try {
  args = parseArgs({
    options: {
      project: { type: "string", short: "p" },
      "trust-key": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  }).values;
} catch (err) {
  fail((err as Error).message);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}

loadConfigOrExit();

async function main(): Promise<number> {
  let projectId: string | undefined;
  if (args.project !== undefined) {
    const project = await db().project.findUnique({ where: { slug: args.project }, select: { id: true } });
    if (!project) fail(`No project with slug "${args.project}".`);
    projectId = project.id;
  }
  const trustedPublicKeys = [signingKey().publicKeyBase64, ...(args["trust-key"] ?? [])];
  const report = await verifyChains({ projectId, trustedPublicKeys });

  const slugs = new Map(
    (
      await db().project.findMany({
        where: { id: { in: report.chains.map((c) => c.chain).filter(isUuid) } },
        select: { id: true, slug: true },
      })
    ).map((p) => [p.id, p.slug]),
  );
  const label = (c: ChainReport) => (slugs.has(c.chain) ? `${slugs.get(c.chain)} (${c.chain})` : c.chain);

  console.log(`Trusted checkpoint keys: ${trustedPublicKeys.map(publicKeyFingerprint).join(", ")}\n`);
  printTable(
    ["chain", "length", "unsealed", "last checkpoint", "status"],
    report.chains.map((c) => [
      label(c),
      String(c.length),
      String(c.unsealed),
      c.lastCheckpoint ? `seq ${c.lastCheckpoint.seq} at ${c.lastCheckpoint.createdAt.toISOString()}` : "none",
      c.ok ? "ok" : "BROKEN",
    ]),
  );

  const broken = report.chains.find((c) => !c.ok);
  if (!broken?.firstBroken) {
    console.log(`\n${report.chains.length} chain(s) verified.`);
    return 0;
  }
  const b = broken.firstBroken;
  const where = [b.seq !== null ? `seq ${b.seq}` : null, b.eventId !== null ? `event ${b.eventId}` : null]
    .filter(Boolean)
    .join(", ");
  console.error(`\nFirst broken link: chain ${label(broken)}${where ? `, ${where}` : ""}: ${b.reason}`);
  return 1;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(r));
  if (rows.length === 0) console.log("(no audit events)");
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`[audit:verify] ${(err as Error).message}`);
} finally {
  await disconnectDb();
}
process.exit(code);
