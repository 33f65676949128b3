// GET /p/:project/exports/:exportId/download[?part=manifest] — stream a finished export (audited)
import { Readable } from "node:stream";
import { requireSessionActor } from "@/lib/auth/session";
import { requireProjectBySlug } from "@/lib/auth/access";
import { openExportDownload } from "@/lib/exports/open-export-download";
import { errorResponse } from "@/lib/http/responses";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ project: string; exportId: string }> }) {
  try {
    const { project: slug, exportId } = await params;
    const actor = await requireSessionActor();
    const { project } = await requireProjectBySlug(actor, slug, "export:read");
    const part = new URL(request.url).searchParams.get("part") === "manifest" ? "manifest" : "file";
    const download = await openExportDownload(actor, project.id, exportId, part);
    return new Response(Readable.toWeb(download.stream) as ReadableStream<Uint8Array>, {
      headers: {
        "content-type": download.contentType,
        "content-length": String(download.size),
        "content-disposition": `attachment; filename="${download.fileName}"`,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
        ...(download.sha256 && part === "file" ? { "x-export-sha256": download.sha256 } : {}),
      },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
