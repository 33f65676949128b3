// Release gate endpoints for client pipelines (API key with gate:read / gate:write).
import "server-only";
import { withApiKey } from "@/lib/http/with-api-key";
import { readJsonBody } from "@/lib/http/read-json";
import { AppError } from "@/lib/errors";
import { completeRun, defineSuite, exportSuite, getRun, openRun, parsePromptsJsonl } from "@/lib/gate/runs";
import { parseThreshold } from "@/lib/gate/threshold";
import { candidateKeySchema } from "@/lib/gate/candidate";

type Ctx<P> = { params: Promise<P> };

export const putSuite = withApiKey("gate:write", async (req, actor, ctx: Ctx<{ name: string }>) => {
  const { name } = await ctx.params;
  const body = (await readJsonBody(req, 16 * 1024 * 1024)) as Record<string, unknown> | null;
  if (!body || typeof body !== "object") throw new AppError("BAD_REQUEST", "Send a JSON object: {kind, prompts | jsonl, …}");
  const prompts = typeof body.jsonl === "string" ? parsePromptsJsonl(body.jsonl) : body.prompts;
  const suite = await defineSuite(actor, actor.projectId, { ...(body as object), name, prompts } as Parameters<typeof defineSuite>[2]);
  return Response.json(suite);
});

export const getSuite = withApiKey("gate:read", async (_req, actor, ctx: Ctx<{ name: string }>) => {
  const { name } = await ctx.params;
  return new Response(await exportSuite(actor, actor.projectId, name), { headers: { "content-type": "application/x-ndjson; charset=utf-8" } });
});

export const postRun = withApiKey("gate:write", async (req, actor) => {
  return Response.json(await openRun(actor, actor.projectId, await readJsonBody(req, 64 * 1024)), { status: 201 });
});

export const postRunComplete = withApiKey("gate:write", async (_req, actor, ctx: Ctx<{ runId: string }>) => {
  const { runId } = await ctx.params;
  return Response.json(await completeRun(actor, actor.projectId, runId));
});

export const getRunStatus = withApiKey("gate:read", async (req, actor, ctx: Ctx<{ runId: string }>) => {
  const { runId } = await ctx.params;
  const q = new URL(req.url).searchParams;
  let threshold: number | null;
  try {
    threshold = parseThreshold(q.get("threshold"));
  } catch (err) {
    throw new AppError("BAD_REQUEST", (err as Error).message);
  }
  const baselineText = q.get("baseline");
  const baseline = baselineText ? candidateKeySchema.parse(baselineText) : null;
  return Response.json(await getRun(actor, actor.projectId, runId, { threshold, baseline }), { headers: { "cache-control": "no-store" } });
});
