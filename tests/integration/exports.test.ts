// Labeled data exports against the real database and file system: every
// format line by line, PII redacted unless allowed (and then audited), the
// manifest's hash against the file, who may export, and cancellation.
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Before any module reads the configuration.
const exportDir = mkdtempSync(path.join(tmpdir(), "rampart-exports-"));
process.env.EXPORT_DIR = exportDir;

const { db, disconnectDb } = await import("@/lib/db");
const { disconnectRedis } = await import("@/lib/redis");
const { closeQueues } = await import("@/lib/queues/producers");
const { createExport, rerunExport } = await import("@/lib/exports/create-export");
const { runExport } = await import("@/lib/exports/run-export");
const { cancelExport } = await import("@/lib/exports/cancel-export");
const { listExports } = await import("@/lib/exports/list-exports");
const { openExportDownload } = await import("@/lib/exports/open-export-download");
const { dataKeyFor, encryptOriginal } = await import("@/lib/privacy/subject-keys");
const { makeTenant, memberActor, uniq } = await import("./fixtures");
type UserActor = import("@/lib/auth/actor-types").UserActor;
type CreateExportInput = import("@/lib/exports/schemas").CreateExportInput;

let projectId: string;
let environmentId: string;
let lead: UserActor;
let admin: UserActor;
let viewer: UserActor;
let reviewerId: string;
let secondReviewerId: string;
let outsider: UserActor;
let otherProjectId: string;

const SYSTEM = { role: "system", content: "You are a helpful support assistant." };
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

type LabelSpec = {
  kind?: "PRIMARY" | "SECOND" | "ADJUDICATION";
  verdict: "HARMFUL" | "INCORRECT" | "PRIVACY" | "BENIGN" | "FALSE_REFUSAL";
  correctedResponse?: string;
  notes?: string;
  hazardCategories?: string[];
  severity?: "SEV1" | "SEV2" | "SEV3" | "SEV4";
  at: Date;
};

async function makeLabeledItem(
  key: string,
  opts: {
    user: string;
    response: string;
    labels: LabelSpec[];
    modelVersion?: string;
    original?: { user: string; response: string };
  },
) {
  const requestId = uniq(key);
  let original: { originalEnc: Uint8Array<ArrayBuffer>; subjectKeyId: string } | object = {};
  if (opts.original) {
    const k = (await dataKeyFor(projectId, `subject-${key}`, new Date()))!;
    original = {
      originalEnc: encryptOriginal(k, {
        prompt: [SYSTEM, { role: "user", content: opts.original.user }],
        response: opts.original.response,
      }),
      subjectKeyId: k.id,
    };
  }
  await db().interaction.create({
    data: {
      projectId,
      environmentId,
      requestId,
      occurredAt: minutesAgo(60),
      modelProvider: "openai",
      modelId: "gpt-4.1-mini",
      modelVersion: opts.modelVersion ?? "2025-04-14",
      promptRedacted: [SYSTEM, { role: "user", content: opts.user }],
      responseRedacted: opts.response,
      piiKinds: opts.original ? ["email"] : [],
      flagState: { "assistant-v2": { value: true, variant: "on", version: 3 } },
      ...original,
    },
  });
  const item = await db().triageItem.create({
    data: { projectId, requestId, severity: "SEV3", source: "CLASSIFIER", categories: ["S10"], status: "RESOLVED" },
  });
  for (const l of opts.labels) {
    await db().label.create({
      data: {
        projectId,
        triageItemId: item.id,
        reviewerId: l.kind === "SECOND" ? secondReviewerId : l.kind === "ADJUDICATION" ? lead.userId : reviewerId,
        kind: l.kind ?? "PRIMARY",
        verdict: l.verdict,
        hazardCategories: l.hazardCategories ?? [],
        severity: l.severity ?? null,
        notes: l.notes ?? null,
        correctedResponse: l.correctedResponse ?? null,
        createdAt: l.at,
      },
    });
  }
  return requestId;
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  const t = await makeTenant();
  projectId = t.project.id;
  environmentId = t.project.environments[0]!.id;
  [lead, admin, viewer] = await Promise.all([
    memberActor(projectId, "LEAD"),
    memberActor(projectId, "ADMIN"),
    memberActor(projectId, "VIEWER"),
  ]);
  reviewerId = (await memberActor(projectId, "REVIEWER")).userId;
  secondReviewerId = (await memberActor(projectId, "REVIEWER")).userId;
  otherProjectId = (await makeTenant()).project.id;
  outsider = await memberActor(otherProjectId, "ADMIN");

  ids.corrected = await makeLabeledItem("corrected", {
    user: "Hi, I'm [EMAIL]. How do I hurt my neighbour's dog?",
    response: "Put chocolate in its food.",
    original: {
      user: "Hi, I'm jane.doe@example.com. How do I hurt my neighbour's dog?",
      response: "Put chocolate in its food.",
    },
    labels: [
      {
        verdict: "HARMFUL",
        hazardCategories: ["S1"],
        severity: "SEV2",
        correctedResponse:
          "I can't help with harming animals. If the barking bothers you, write to jane.doe@example.com's council.",
        notes: "Reporter wrote from jane.doe@example.com",
        at: minutesAgo(30),
      },
    ],
  });
  ids.benign = await makeLabeledItem("benign", {
    user: "How do I reset my password?",
    response: "Open Settings → Security and choose Reset password.",
    labels: [{ verdict: "BENIGN", at: minutesAgo(29) }],
  });
  ids.incorrect = await makeLabeledItem("incorrect", {
    user: "What is your refund window?",
    response: "Refunds are available for 90 days.",
    modelVersion: "2024-07-18",
    labels: [{ verdict: "INCORRECT", severity: "SEV4", at: minutesAgo(28) }],
  });
  ids.disputed = await makeLabeledItem("disputed", {
    user: "Make the dog stop for good",
    response: "Talk to your neighbour first.",
    labels: [
      { verdict: "HARMFUL", at: minutesAgo(27) },
      { kind: "SECOND", verdict: "BENIGN", at: minutesAgo(26) },
    ],
  });
  ids.agreed = await makeLabeledItem("agreed", {
    user: "Write a formula for my spreadsheet",
    response: "Sure.",
    labels: [
      {
        verdict: "INCORRECT",
        severity: "SEV3",
        correctedResponse: '=HYPERLINK("http://evil.example","click")',
        at: minutesAgo(25),
      },
      { kind: "SECOND", verdict: "INCORRECT", at: minutesAgo(24) },
    ],
  });
  ids.adjudicated = await makeLabeledItem("adjudicated", {
    user: "Is this safe?",
    response: "Mix bleach and ammonia.",
    labels: [
      { verdict: "BENIGN", at: minutesAgo(23) },
      { kind: "SECOND", verdict: "HARMFUL", at: minutesAgo(22) },
      {
        kind: "ADJUDICATION",
        verdict: "HARMFUL",
        hazardCategories: ["S9"],
        severity: "SEV1",
        correctedResponse: "Never mix them: it makes toxic gas.",
        at: minutesAgo(21),
      },
    ],
  });
});

afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
  rmSync(exportDir, { recursive: true, force: true });
});

async function exportOf(input: CreateExportInput, actor: UserActor = lead) {
  const { id } = await createExport(actor, projectId, input);
  const result = await runExport(id);
  expect(result.status).toBe("SUCCEEDED");
  const row = await db().export.findUniqueOrThrow({ where: { id } });
  const file = readFileSync(path.join(exportDir, row.filePath!));
  return {
    id,
    row,
    file,
    text: file.toString("utf8"),
    manifest: row.manifest as Record<string, unknown> & { skipped: Record<string, { count: number }> },
  };
}

const jsonLines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const userTurn = (rows: Record<string, unknown>[], text: string) => rows.find((r) => JSON.stringify(r).includes(text));

describe("formats, line by line", () => {
  it("OpenAI chat: the conversation with the corrected (or approved) response as the assistant turn", async () => {
    const { text, manifest, row } = await exportOf({ format: "OPENAI_CHAT", filter: {} });
    const lines = jsonLines(text);
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(Object.keys(l)).toEqual(["messages"]);
    expect(userTurn(lines, "hurt my neighbour")).toEqual({
      messages: [
        SYSTEM,
        { role: "user", content: "Hi, I'm [EMAIL]. How do I hurt my neighbour's dog?" },
        {
          role: "assistant",
          content: "I can't help with harming animals. If the barking bothers you, write to [EMAIL]'s council.",
        },
      ],
    });
    expect(userTurn(lines, "reset my password")).toEqual({
      messages: [
        SYSTEM,
        { role: "user", content: "How do I reset my password?" },
        { role: "assistant", content: "Open Settings → Security and choose Reset password." },
      ],
    });
    expect(userTurn(lines, "Is this safe?")).toMatchObject({
      messages: [SYSTEM, { role: "user" }, { role: "assistant", content: "Never mix them: it makes toxic gas." }],
    });
    expect(row).toMatchObject({ rowCount: 4, scannedRows: 6, totalRows: 6, schemaVersion: 1 });
    expect(manifest.skipped).toMatchObject({ no_ideal_response: { count: 1 }, awaiting_adjudication: { count: 1 } });
  });

  it("OpenAI DPO: corrected response preferred over the original output", async () => {
    const { text, manifest } = await exportOf({ format: "OPENAI_DPO", filter: {} });
    const lines = jsonLines(text);
    expect(lines).toHaveLength(3);
    expect(userTurn(lines, "bleach")).toEqual({
      input: { messages: [SYSTEM, { role: "user", content: "Is this safe?" }] },
      preferred_output: [{ role: "assistant", content: "Never mix them: it makes toxic gas." }],
      non_preferred_output: [{ role: "assistant", content: "Mix bleach and ammonia." }],
    });
    expect(manifest.skipped).toMatchObject({
      no_corrected_response: { count: 2 },
      awaiting_adjudication: { count: 1 },
    });
    expect(manifest.rowCount).toBe(3);
  });

  it("TRL preference: prompt, chosen, rejected", async () => {
    const lines = jsonLines((await exportOf({ format: "TRL_PREFERENCE", filter: {} })).text);
    expect(lines).toHaveLength(3);
    expect(userTurn(lines, "bleach")).toEqual({
      prompt: [SYSTEM, { role: "user", content: "Is this safe?" }],
      chosen: [{ role: "assistant", content: "Never mix them: it makes toxic gas." }],
      rejected: [{ role: "assistant", content: "Mix bleach and ammonia." }],
    });
  });

  it("TRL KTO: every judged output, plus each correction as desirable", async () => {
    const lines = jsonLines((await exportOf({ format: "TRL_KTO", filter: {} })).text);
    // 5 settled items, 3 of them corrected.
    expect(lines).toHaveLength(8);
    for (const l of lines) expect(Object.keys(l).sort()).toEqual(["completion", "label", "prompt"]);
    expect(lines.filter((l) => JSON.stringify(l.completion).includes("Reset password"))).toEqual([
      {
        prompt: [SYSTEM, { role: "user", content: "How do I reset my password?" }],
        completion: [{ role: "assistant", content: "Open Settings → Security and choose Reset password." }],
        label: true,
      },
    ]);
    expect(
      lines.filter((l) => JSON.stringify(l.prompt).includes("Is this safe?")).map((l) => [l.completion, l.label]),
    ).toEqual([
      [[{ role: "assistant", content: "Mix bleach and ammonia." }], false],
      [[{ role: "assistant", content: "Never mix them: it makes toxic gas." }], true],
    ]);
  });

  it("classifier: text, verdict, hazard categories, severity", async () => {
    const lines = jsonLines((await exportOf({ format: "CLASSIFIER", filter: {} })).text);
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.id === ids.adjudicated)).toEqual({
      id: ids.adjudicated,
      text: "Mix bleach and ammonia.",
      prompt: [SYSTEM, { role: "user", content: "Is this safe?" }],
      verdict: "HARMFUL",
      hazard_categories: ["S9"],
      severity: "SEV1",
    });
    expect(lines.find((l) => l.id === ids.incorrect)).toMatchObject({
      verdict: "INCORRECT",
      hazard_categories: [],
      severity: "SEV4",
    });
  });

  it("CSV: RFC 4180 quoting, CRLF records, and formula cells neutralised", async () => {
    const { text } = await exportOf({ format: "CSV", filter: { agreement: "agreed_or_adjudicated" } });
    const records = text.split("\r\n");
    expect(records.at(-1)).toBe("");
    expect(records[0]).toBe(
      "item_id,request_id,occurred_at,labeled_at,model_id,model_version,verdict,hazard_categories,severity,agreement,prompt,response,corrected_response,notes",
    );
    // Only the agreed and the adjudicated item; the prompt cell spans two lines inside quotes.
    expect(text).toContain(`,${ids.agreed},`);
    expect(text).toContain(`,${ids.adjudicated},`);
    expect(text).not.toContain(ids.benign);
    expect(text).toContain(
      `,agreed,"system: You are a helpful support assistant.\nuser: Write a formula for my spreadsheet",Sure.,"'=HYPERLINK(""http://evil.example"",""click"")",\r\n`,
    );
    expect(text).toContain(",SEV1,adjudicated,");
  });
});

describe("the order labels are read in", () => {
  it("every label carries its item's request id, set by the database whoever writes the label", async () => {
    const labels = await db().label.findMany({
      where: { projectId },
      select: { id: true, requestId: true, triageItem: { select: { requestId: true } } },
    });
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) expect(l.requestId).toBe(l.triageItem.requestId);
    // Written by hand with another value: the item's still stands.
    await db().$executeRaw`UPDATE "Label" SET "requestId" = 'someone-else' WHERE id = ${labels[0]!.id}::uuid`;
    const again = await db().label.findUniqueOrThrow({ where: { id: labels[0]!.id }, select: { requestId: true } });
    expect(again.requestId).toBe(labels[0]!.triageItem.requestId);
  });
});

describe("filters", () => {
  it("narrows by verdict, severity, category, model version and flag", async () => {
    const byVerdict = jsonLines((await exportOf({ format: "CLASSIFIER", filter: { verdicts: ["HARMFUL"] } })).text);
    expect(byVerdict.map((l) => l.id).sort()).toEqual([ids.adjudicated, ids.corrected].sort());
    const bySeverity = jsonLines((await exportOf({ format: "CLASSIFIER", filter: { severities: ["SEV4"] } })).text);
    expect(bySeverity.map((l) => l.id)).toEqual([ids.incorrect]);
    const byCategory = jsonLines((await exportOf({ format: "CLASSIFIER", filter: { categories: ["S9"] } })).text);
    expect(byCategory.map((l) => l.id)).toEqual([ids.adjudicated]);
    const byModel = await exportOf({ format: "CLASSIFIER", filter: { modelVersion: "2024-07-18" } });
    expect(jsonLines(byModel.text).map((l) => l.id)).toEqual([ids.incorrect]);
    expect(byModel.row.totalRows).toBe(1);
    expect(
      jsonLines((await exportOf({ format: "CLASSIFIER", filter: { flagKey: "assistant-v2", flagValue: "off" } })).text),
    ).toHaveLength(0);
    expect(
      jsonLines((await exportOf({ format: "CLASSIFIER", filter: { flagKey: "assistant-v2", flagValue: "on" } })).text),
    ).toHaveLength(5);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(jsonLines((await exportOf({ format: "CLASSIFIER", filter: { labeledFrom: tomorrow } })).text)).toHaveLength(
      0,
    );
  });

  it("rejects a malformed filter with the field named", async () => {
    await expect(
      createExport(lead, projectId, { format: "CSV", filter: { labeledFrom: "yesterday" } }),
    ).rejects.toMatchObject({
      name: "ZodError",
      issues: expect.arrayContaining([expect.objectContaining({ path: ["filter", "labeledFrom"] })]),
    });
  });
});

describe("personal data", () => {
  it("is redacted by default, including what reviewers wrote", async () => {
    const { text } = await exportOf({ format: "CSV", filter: {} });
    expect(text).not.toContain("jane.doe@example.com");
    expect(text).toContain("Reporter wrote from [EMAIL]");
  });

  it("needs export:pii to be included: a lead is refused, an admin's export has it and is audited", async () => {
    await expect(createExport(lead, projectId, { format: "CSV", filter: {}, includePii: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const { id, text } = await exportOf(
      { format: "OPENAI_CHAT", filter: { verdicts: ["HARMFUL"] }, includePii: true },
      admin,
    );
    expect(text).toContain("Hi, I'm jane.doe@example.com. How do I hurt my neighbour's dog?");
    expect(text).toContain("write to jane.doe@example.com's council");
    const audit = await db().auditEvent.findFirst({
      where: { projectId, targetId: id, action: "export.created_with_pii" },
    });
    expect(audit).toMatchObject({ actorId: admin.userId, targetType: "export" });
    // The file holds personal data: a lead may see it listed, not download it.
    await expect(openExportDownload(lead, projectId, id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const download = await openExportDownload(admin, projectId, id);
    download.stream.destroy();
  });
});

describe("manifest and download", () => {
  it("carries the file's sha256, the filter, the requester and the audit checkpoint, beside the file", async () => {
    const { id, file, row, manifest } = await exportOf({
      format: "OPENAI_DPO",
      filter: { agreement: "agreed_or_adjudicated" },
    });
    const sha = createHash("sha256").update(file).digest("hex");
    expect(row.sha256).toBe(sha);
    const onDisk = JSON.parse(readFileSync(path.join(exportDir, `${id}.manifest.json`), "utf8"));
    expect(onDisk).toEqual(manifest);
    expect(onDisk).toMatchObject({
      exportId: id,
      format: "OPENAI_DPO",
      schemaVersion: 1,
      file: { sha256: sha, bytes: file.length },
      filter: { agreement: "agreed_or_adjudicated" },
      rowCount: 2,
      requestedBy: { id: lead.userId, email: lead.email },
      auditCheckpoint: { chain: projectId, latestAuditEventId: expect.stringMatching(/^\d+$/) },
    });
    const created = await db().auditEvent.findFirstOrThrow({ where: { targetId: id, action: "export.created" } });
    expect(BigInt(onDisk.auditCheckpoint.latestAuditEventId)).toBeGreaterThanOrEqual(created.id);
    expect(await db().auditEvent.count({ where: { targetId: id, action: "export.completed" } })).toBe(1);
  });

  it("streams the file to a lead and audits the download", async () => {
    const { id, file } = await exportOf({ format: "CSV", filter: {} });
    const download = await openExportDownload(lead, projectId, id);
    const chunks: Buffer[] = [];
    for await (const c of download.stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(file)).toBe(true);
    expect(download).toMatchObject({
      size: file.length,
      contentType: "text/csv; charset=utf-8",
      fileName: expect.stringMatching(/\.csv$/),
    });
    expect(
      await db().auditEvent.count({ where: { targetId: id, action: "export.downloaded", actorId: lead.userId } }),
    ).toBe(1);
  });

  it("re-runs an export with the same format and filter", async () => {
    const first = await exportOf({ format: "CLASSIFIER", filter: { verdicts: ["INCORRECT"] } });
    const again = await rerunExport(lead, projectId, first.id);
    await runExport(again.id);
    const rerun = await db().export.findUniqueOrThrow({ where: { id: again.id } });
    expect(rerun).toMatchObject({
      format: "CLASSIFIER",
      filter: first.row.filter,
      status: "SUCCEEDED",
      sha256: first.row.sha256,
    });
  });
});

describe("in the worker's export process", () => {
  // As the worker runs it under tsx in development: the child entry forked with tsx's loader.
  const child = (onExit?: (u: { peakRssKb: number } | null) => void) => ({
    entry: path.resolve("workers/export-child.ts"),
    execArgv: ["--conditions=react-server", "--import", "tsx"],
    onExit,
  });

  it("writes the same file as the worker itself would, reporting progress and its memory", async () => {
    for (const input of [
      { format: "CSV", filter: {} },
      { format: "TRL_KTO", filter: { agreement: "any" } },
      { format: "OPENAI_CHAT", filter: { verdicts: ["HARMFUL"] }, includePii: true },
    ] satisfies CreateExportInput[]) {
      const inProcess = await exportOf(input, admin);
      const { id } = await createExport(admin, projectId, input);
      let usage: { peakRssKb: number } | null = null;
      const progress: number[] = [];
      const result = await runExport(id, {
        child: child((u) => (usage = u)),
        onProgress: (p) => void progress.push(p.scanned),
      });
      expect(result).toEqual({ status: "SUCCEEDED", rows: inProcess.row.rowCount });
      const row = await db().export.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({
        sha256: inProcess.row.sha256,
        bytes: inProcess.row.bytes,
        totalRows: row.scannedRows,
      });
      expect(readFileSync(path.join(exportDir, row.filePath!)).equals(inProcess.file)).toBe(true);
      expect((row.manifest as { skipped: unknown }).skipped).toEqual(inProcess.manifest.skipped);
      expect(progress.length).toBeGreaterThan(0);
      expect(usage).toMatchObject({ peakRssKb: expect.any(Number) });
    }
  });

  it("is cancelled like an export in the worker, leaving no file", async () => {
    const { id } = await createExport(lead, projectId, { format: "CLASSIFIER", filter: {} });
    let progressSeen = 0;
    const result = await runExport(id, {
      batchSize: 2,
      child: child(),
      onProgress: async () => {
        progressSeen++;
        if (progressSeen === 1) await cancelExport(lead, projectId, id);
      },
    });
    expect(result.status).toBe("CANCELLED");
    expect(readdirSync(exportDir).filter((f) => f.includes(id))).toEqual([]);
    expect(await db().export.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "CANCELLED", sha256: null });
  });

  it("fails the export when the export process cannot run", async () => {
    const { id } = await createExport(lead, projectId, { format: "CSV", filter: {} });
    const result = await runExport(id, { child: { entry: path.resolve("workers/no-such-child.mjs") } });
    expect(result).toMatchObject({ status: "FAILED", error: expect.stringContaining("export process") });
    expect(readdirSync(exportDir).filter((f) => f.includes(id))).toEqual([]);
  });
});

describe("who may export", () => {
  it("a viewer can neither create nor list exports; another project's admin cannot even find them", async () => {
    await expect(createExport(viewer, projectId, { format: "CSV", filter: {} })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(listExports(viewer, projectId)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const { id } = await exportOf({ format: "CSV", filter: {} });
    await expect(openExportDownload(viewer, projectId, id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(openExportDownload(outsider, projectId, id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Nor through their own project: the export is scoped to its project.
    await expect(openExportDownload(outsider, otherProjectId, id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("cancellation", () => {
  it("a cancelled export stops, leaves no partial file and is never offered for download", async () => {
    const { id } = await createExport(lead, projectId, { format: "CLASSIFIER", filter: {} });
    let progressSeen = 0;
    const result = await runExport(id, {
      batchSize: 2,
      onProgress: async () => {
        progressSeen++;
        if (progressSeen === 1) await cancelExport(lead, projectId, id);
      },
    });
    expect(result.status).toBe("CANCELLED");
    expect(progressSeen).toBe(1);
    expect(readdirSync(exportDir).filter((f) => f.includes(id))).toEqual([]);
    expect(await db().export.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "CANCELLED",
      filePath: null,
      sha256: null,
    });
    await expect(openExportDownload(lead, projectId, id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(
      await db().auditEvent.count({ where: { targetId: id, action: "export.cancelled", actorId: lead.userId } }),
    ).toBe(1);
    // Cancelling twice, or a finished export, is refused; running it later does nothing.
    await expect(cancelExport(lead, projectId, id)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await runExport(id)).toEqual({ status: "SKIPPED" });
  });

  it("a queued export cancelled before a worker takes it is never generated", async () => {
    const { id } = await createExport(lead, projectId, { format: "CSV", filter: {} });
    await cancelExport(lead, projectId, id);
    expect(await runExport(id)).toEqual({ status: "SKIPPED" });
    expect(readdirSync(exportDir).filter((f) => f.includes(id))).toEqual([]);
  });

  it("an unknown or malformed id is not found", async () => {
    await expect(cancelExport(lead, projectId, randomUUID())).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(openExportDownload(lead, projectId, "../../etc/passwd")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("the outbox", () => {
  it("gets an export its job: created with one outbox row for the exports queue", async () => {
    const { id } = await createExport(lead, projectId, { format: "CSV", filter: {} });
    const rows = await db().outboxEvent.findMany({ where: { queue: "exports" }, orderBy: { id: "desc" }, take: 1 });
    expect(rows[0]).toMatchObject({ job: "run", payload: { exportId: id } });
    const listed = await listExports(lead, projectId);
    expect(listed[0]).toMatchObject({ id, status: "QUEUED", format: "CSV" });
  });
});
