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

export async function pseudonymize(projectId: string, rawUserId: string): Promise<string> {
  const secret = await projectSecret(projectId);
  return createHmac("sha256", secret).update(rawUserId, "utf8").digest("base64url");
}

/**
 * Ingest's pseudonyms, remembered: a user seen again (most traffic) costs a
 * lookup instead of an HMAC (~5% of the web process under bench:ingest, whose
 * 10,000 users all fit; with more active users than the bound, the hit rate
 * falls to bound / users). One bound for every project, least recently used
 * out first, and only ids of ingest's own length limit (OFREP targeting keys
 * and erasure take the uncached pseudonymize). The raw ids held here are
 * ones this process has just been sent; forgetPseudonym drops one (erasure).
 */
const remembered = new Map<string, string>();
const REMEMBERED_MAX = 20_000;
const REMEMBERED_ID_MAX_LENGTH = 200;

export async function pseudonymizeForIngest(projectId: string, rawUserId: string): Promise<string> {
  if (rawUserId.length > REMEMBERED_ID_MAX_LENGTH) return pseudonymize(projectId, rawUserId);
  const key = `${projectId}\u0000${rawUserId}`;
  const known = remembered.get(key);
  if (known !== undefined) {
    remembered.delete(key); // most recently used goes last
    remembered.set(key, known);
    return known;
  }
  const ref = await pseudonymize(projectId, rawUserId);
  if (remembered.size >= REMEMBERED_MAX) remembered.delete(remembered.keys().next().value!);
  remembered.set(key, ref);
  return ref;
}

export function forgetPseudonym(projectId: string, rawUserId: string): void {
  remembered.delete(`${projectId}\u0000${rawUserId}`);
}

/** How many pseudonyms are remembered (for tests). */
export function rememberedPseudonyms(): number {
  return remembered.size;
}

/** pseudonymize without I/O: null until the project's secret has been loaded by pseudonymize. */
export function pseudonymizeNow(projectId: string, rawUserId: string): string | null {
  const secret = secrets.get(projectId);
  return secret ? createHmac("sha256", secret).update(rawUserId, "utf8").digest("base64url") : null;
}

export const ANONYMOUS_SUBJECT = "anonymous";
