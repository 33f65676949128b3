// Percentage rollouts. A targeting key's bucket is a documented, deterministic
// function of the flag's salt and the key, so that every SDK and server
// computes the same bucket and a user does not flip between variants:
//
//   bucket = uint32_be(sha256(utf8(`${salt}:${targetingKey}`))[0..4]) mod 10000
//
// and the key is in a rollout of N basis points when bucket < N. Raising N
// therefore never removes anyone, and lowering it keeps a strict subset. The
// salt is per flag (random at creation), so two flags at 10 % do not expose
// the same 10 % of users. The modulo bias (2^32 is not a multiple of 10,000)
// is below 2·10⁻⁶ per bucket. Vectors for other implementations are in
// bucketing-vectors.json.
import { hash } from "node:crypto";
import { FULL_ROLLOUT_BPS } from "@/lib/flags/schemas";

export function bucketOf(salt: string, targetingKey: string): number {
  // One-shot hash (Node ≥ 20.12): no Hash object per call on the evaluation hot path.
  const digest = hash("sha256", `${salt}:${targetingKey}`, "buffer");
  return digest.readUInt32BE(0) % FULL_ROLLOUT_BPS;
}

/** Whether the key is in a rollout of `rolloutBps`; a missing key is in no partial rollout. */
export function inRollout(salt: string, targetingKey: string | undefined, rolloutBps: number): boolean {
  if (rolloutBps >= FULL_ROLLOUT_BPS) return true;
  if (rolloutBps <= 0 || !targetingKey) return false;
  return bucketOf(salt, targetingKey) < rolloutBps;
}
