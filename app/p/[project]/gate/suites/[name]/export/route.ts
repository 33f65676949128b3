// GET /p/:project/gate/suites/:name/export — the suite's prompts as a JSONL download
import { requireSessionActor } from "@/lib/auth/session";
import { requireProjectBySlug } from "@/lib/auth/access";
import { exportSuite } from "@/lib/gate/runs";
import { errorResponse } from "@/lib/http/responses";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ project: string; name: string }> }) {
  try {
    const { project: slug, name } = await params;
    const actor = await requireSessionActor();
    const { project } = await requireProjectBySlug(actor, slug, "dashboard:read");
    const body = await exportSuite(actor, project.id, name);
    return new Response(body, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="${project.slug}-${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.jsonl"`,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
