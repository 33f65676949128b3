// Environment key → id for a project, cached briefly: ingest resolves it for
// every interaction, and environments change rarely.
import "server-only";
import { db } from "@/lib/db";

const TTL_MS = 30_000;
const cache = new Map<string, { at: number; map: Map<string, string> }>();

export async function projectEnvironments(projectId: string): Promise<Map<string, string>> {
  const hit = cache.get(projectId);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.map;
  const envs = await db().environment.findMany({ where: { projectId }, select: { id: true, key: true } });
  const map = new Map(envs.map((e) => [e.key, e.id]));
  cache.set(projectId, { at: Date.now(), map });
  return map;
}
