// The push stream's URL carries its own short-lived, signed token (OFREP's
// `eventStreams` URLs are opaque), so a browser's EventSource — which cannot
// send an Authorization header — can connect without the API key ever being
// put in a URL. The token names the key, the environment, the revision the
// client last saw and, when the context had a targeting key, the user's
// pseudonymous reference (to tell just that client about its cost breaker).
import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { config } from "@/lib/config";

export type StreamClaims = {
  /** API key id. */
  k: string;
  /** Project and environment ids. */
  p: string;
  e: string;
  /** Revision the client's last bulk evaluation reflects. */
  r: string;
  /** Pseudonymous user ref of the context's targeting key, if any. */
  u?: string;
  /** Expiry, unix seconds. */
  x: number;
};

export const STREAM_TOKEN_TTL_SECONDS = 24 * 3600;

let cachedKey: { secret: string; key: Buffer } | null = null;
function signingKey(): Buffer {
  const secret = config().NEXTAUTH_SECRET;
  if (cachedKey?.secret !== secret) {
    cachedKey = { secret, key: createHmac("sha256", secret).update("rampart/flag-stream-token/v1").digest() };
  }
  return cachedKey.key;
}

// Tokens expire on the hour, 24 to 25 hours out, so that every bulk response
// of one key, environment and revision within an hour carries the same token
// and it is signed once (the bulk endpoint is the hottest path there is).
const recent = new Map<string, string>();

/** The expiry (unix seconds) of tokens signed at `now`: one value for a whole hour. */
export function streamTokenExpiry(now = Date.now()): number {
  return (Math.floor(now / 3_600_000) + 1) * 3600 + STREAM_TOKEN_TTL_SECONDS;
}

export function signStreamToken(claims: Omit<StreamClaims, "x">, now = Date.now()): string {
  const x = streamTokenExpiry(now);
  const cacheKey = `${claims.k}|${claims.e}|${claims.r}|${claims.u ?? ""}|${x}`;
  const hit = recent.get(cacheKey);
  if (hit) return hit;
  const body = Buffer.from(JSON.stringify({ ...claims, x })).toString("base64url");
  const token = `${body}.${createHmac("sha256", signingKey()).update(body).digest("base64url")}`;
  if (recent.size >= 10_000) recent.clear();
  recent.set(cacheKey, token);
  return token;
}

/** The claims of a valid, unexpired token; null otherwise. */
export function verifyStreamToken(token: string, now = Date.now()): StreamClaims | null {
  const dot = token.indexOf(".");
  if (dot <= 0 || token.length > 2048) return null;
  const body = token.slice(0, dot);
  const mac = Buffer.from(token.slice(dot + 1), "base64url");
  const expected = createHmac("sha256", signingKey()).update(body).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return null;
  let claims: StreamClaims;
  try {
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as StreamClaims;
  } catch {
    return null;
  }
  if (typeof claims.x !== "number" || claims.x * 1000 < now) return null;
  if (typeof claims.k !== "string" || typeof claims.p !== "string" || typeof claims.e !== "string") return null;
  return claims;
}
