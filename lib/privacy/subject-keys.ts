// Monthly data keys per subject, for encrypting the originals of prompts and
// responses that contained personal data. Shredding a key (erasure or
// retention) makes those originals unreadable; the evidence rows that hold
// the ciphertext, and the audit chain over them, stay intact.
import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { open, seal } from "@/lib/crypto/secretbox";

export type DataKey = { id: string; key: Buffer };

export const periodOf = (d: Date) => d.toISOString().slice(0, 7);

// Small: keys of the subjects active right now. A shredded key is never cached
// as usable, and shredding clears the cache (single process) — other processes
// re-read after CACHE_MS.
const CACHE_MS = 60_000;
const cache = new Map<string, { value: DataKey | null; at: number }>();

export function forgetCachedKeys(): void {
  cache.clear();
}

/**
 * The data key for (project, subject, month), created on first use; null when
 * that key was shredded or the subject erased (the original is then not
 * stored at all).
 */
export async function dataKeyFor(projectId: string, userRef: string, at: Date): Promise<DataKey | null> {
  const period = periodOf(at);
  const cacheKey = `${projectId}\u0000${userRef}\u0000${period}`;
  const hit = cache.get(cacheKey);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;

  const prisma = db();
  await prisma.$executeRaw`
    INSERT INTO "Subject" (id, "projectId", "userRef") VALUES (${randomUUID()}::uuid, ${projectId}::uuid, ${userRef})
    ON CONFLICT ("projectId", "userRef") DO NOTHING`;
  const subject = await prisma.subject.findUniqueOrThrow({ where: { projectId_userRef: { projectId, userRef } }, select: { id: true, erasedAt: true } });
  if (subject.erasedAt) {
    // Someone who asked to be forgotten: keep only redacted copies from now on.
    cache.set(cacheKey, { value: null, at: Date.now() });
    return null;
  }
  await prisma.$executeRaw`
    INSERT INTO "SubjectKey" (id, "projectId", "subjectId", period, "keyEnc")
    VALUES (${randomUUID()}::uuid, ${projectId}::uuid, ${subject.id}::uuid, ${period}, ${Buffer.from(seal(randomBytes(32)))})
    ON CONFLICT ("subjectId", period) DO NOTHING`;
  const row = await prisma.subjectKey.findUniqueOrThrow({
    where: { subjectId_period: { subjectId: subject.id, period } },
    select: { id: true, keyEnc: true },
  });
  const value = row.keyEnc ? { id: row.id, key: open(row.keyEnc) } : null;
  cache.set(cacheKey, { value, at: Date.now() });
  return value;
}

export function encryptOriginal(key: DataKey, original: unknown): Uint8Array<ArrayBuffer> {
  return seal(Buffer.from(JSON.stringify(original), "utf8"), key.key);
}

/** The original, or null when its key was shredded. */
export async function decryptOriginal(subjectKeyId: string, ciphertext: Uint8Array): Promise<unknown | null> {
  const row = await db().subjectKey.findUnique({ where: { id: subjectKeyId }, select: { keyEnc: true } });
  if (!row?.keyEnc) return null;
  return JSON.parse(open(ciphertext, open(row.keyEnc)).toString("utf8"));
}
