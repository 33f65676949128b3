// API key format and hashing. A key is `rmp_<prefix>_<secret>`: the prefix is
// public (shown in lists, used for lookup), the whole key is stored only as sha256.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const apiScopes = {
  "events:write": "EVENTS_WRITE",
  "reports:write": "REPORTS_WRITE",
  "flags:read": "FLAGS_READ",
  "gate:read": "GATE_READ",
  "gate:write": "GATE_WRITE",
} as const;
export type ApiScopeName = keyof typeof apiScopes;
export type ApiScopeEnum = (typeof apiScopes)[ApiScopeName];
export const apiScopeNames = Object.keys(apiScopes) as ApiScopeName[];

export function scopeName(value: ApiScopeEnum): ApiScopeName {
  return apiScopeNames.find((n) => apiScopes[n] === value)!;
}

/** Characters of the public prefix (after `rmp_`). */
export const PREFIX_LENGTH = 12;
const KEY_RE = /^rmp_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function randomAlnum(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = "";
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out.length === length ? out : randomAlnum(length);
}

export function generateApiKey(): { key: string; prefix: string; hash: Uint8Array<ArrayBuffer> } {
  const prefix = randomAlnum(PREFIX_LENGTH);
  const key = `rmp_${prefix}_${randomBytes(32).toString("base64url")}`;
  return { key, prefix, hash: new Uint8Array(hashApiKey(key)) };
}

export function hashApiKey(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

export function parseApiKey(key: string): { prefix: string } | null {
  const m = KEY_RE.exec(key);
  return m ? { prefix: m[1]! } : null;
}

/** Constant-time comparison of a presented key against the stored hash. */
export function apiKeyMatches(key: string, storedHash: Uint8Array): boolean {
  const h = hashApiKey(key);
  return storedHash.length === h.length && timingSafeEqual(h, storedHash);
}
