// Pseudonymous user references: a client's raw user id is never stored, only
// HMAC-SHA256 under the project's own secret (so refs cannot be joined across
// projects, and a leaked table does not reveal ids).
import "server-only";
import { createHmac } from "node:crypto";
import { db } from "@/lib/db";
import { open } from "@/lib/crypto/secretbox";

const secrets = new Map<string, Buffer>();

async function projectSecret(projectId: string): Promise<Buffer> {
  let secret = secrets.get(projectId);
  if (!secret) {
    const p = await db().project.findUniqueOrThrow({ where: { id: projectId }, select: { pseudonymKeyEnc: true } });
    secret = open(p.pseudonymKeyEnc);
    secrets.set(projectId, secret);
  }
  return secret;
}

/**
 * Recent pseudonyms per project, so that a user seen again (most traffic)
 * costs a lookup instead of an HMAC (~5% of the web process's CPU under
 * batched ingest). Bounded: the oldest entry goes when a project's is full.
 */
const recent = new Map<string, Map<string, string>>();
const RECENT_PER_PROJECT = 10_000;

function remember(projectId: string, rawUserId: string, ref: string): string {
  let refs = recent.get(projectId);
  if (!refs) recent.set(projectId, (refs = new Map()));
  if (refs.size >= RECENT_PER_PROJECT) refs.delete(refs.keys().next().value!);
  refs.set(rawUserId, ref);
  return ref;
}

export async function pseudonymize(projectId: string, rawUserId: string): Promise<string> {
  const known = recent.get(projectId)?.get(rawUserId);
  if (known !== undefined) return known;
  const secret = await projectSecret(projectId);
  return remember(projectId, rawUserId, createHmac("sha256", secret).update(rawUserId, "utf8").digest("base64url"));
}

/** pseudonymize without I/O: null until the project's secret has been loaded by pseudonymize. */
export function pseudonymizeNow(projectId: string, rawUserId: string): string | null {
  const secret = secrets.get(projectId);
  return secret ? createHmac("sha256", secret).update(rawUserId, "utf8").digest("base64url") : null;
}

export const ANONYMOUS_SUBJECT = "anonymous";
