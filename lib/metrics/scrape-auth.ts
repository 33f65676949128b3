// Who may scrape GET /metrics: whoever presents RAMPART_METRICS_TOKEN as a
// Bearer token. While no token is configured the endpoint does not exist.
import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/errors";

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * Throws NOT_FOUND while no token is configured (`token`, from
 * RAMPART_METRICS_TOKEN), UNAUTHENTICATED (answered with a Bearer challenge)
 * unless the Authorization header carries it.
 * Compared as fixed-length digests, so neither the time taken nor an early
 * length mismatch says anything about the token.
 */
export function authorizeScrape(authorization: string | null, token: string | undefined): void {
  if (!token) throw new AppError("NOT_FOUND", "Not found");
  const presented = /^Bearer +(\S+) *$/i.exec(authorization ?? "")?.[1] ?? "";
  if (!timingSafeEqual(digest(presented), digest(token))) {
    throw new AppError("UNAUTHENTICATED", "GET /metrics needs the token set in RAMPART_METRICS_TOKEN as a Bearer token");
  }
}
