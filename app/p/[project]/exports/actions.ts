"use server";
// Server actions of the exports page: session → service. The services check
// membership and permissions and record the audit events; these turn form
// fields into their inputs and results into a sentence.
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { createExport, rerunExport } from "@/lib/exports/create-export";
import { cancelExport } from "@/lib/exports/cancel-export";
import { exportFormats, formatInfo, type CreateExportInput, type ExportFormat } from "@/lib/exports/schemas";

const str = (form: FormData, key: string) => String(form.get(key) ?? "").trim();
const optional = (form: FormData, key: string) => str(form, key) || undefined;
const list = (form: FormData, key: string) => {
  const values = form
    .getAll(key)
    .flatMap((v) => String(v).split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  return values.length ? values : undefined;
};

function done(message: string): ActionResult {
  revalidatePath("/p/[project]/exports", "page");
  return { ok: true, message };
}

export async function createExportAction(
  projectId: string,
  _prev: ActionResult,
  form: FormData,
): Promise<ActionResult> {
  return runAction(async () => {
    const format = str(form, "format") as ExportFormat;
    const input = {
      format,
      includePii: form.get("includePii") === "on",
      filter: {
        labeledFrom: optional(form, "labeledFrom"),
        labeledTo: optional(form, "labeledTo"),
        verdicts: list(form, "verdict"),
        categories: list(form, "categories"),
        severities: list(form, "severity"),
        modelId: optional(form, "modelId"),
        modelVersion: optional(form, "modelVersion"),
        flagKey: optional(form, "flagKey"),
        flagValue: optional(form, "flagValue"),
        agreement: str(form, "agreement") || "any",
      },
    } as CreateExportInput;
    await createExport(await requireSessionActor(), projectId, input);
    const name = (exportFormats as readonly string[]).includes(format) ? formatInfo[format].name : format;
    return done(`Export queued: ${name}. It appears below and its progress updates by itself.`);
  });
}

export async function cancelExportAction(projectId: string, exportId: string): Promise<ActionResult> {
  return runAction(async () => {
    await cancelExport(await requireSessionActor(), projectId, exportId);
    return done("Export cancelled; its partial file was deleted.");
  });
}

export async function rerunExportAction(projectId: string, exportId: string): Promise<ActionResult> {
  return runAction(async () => {
    await rerunExport(await requireSessionActor(), projectId, exportId);
    return done("Export queued again with the same format and filter.");
  });
}
