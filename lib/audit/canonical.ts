// Canonical encoding for hashing: the same data always gives the same bytes,
// whether it comes from the code that wrote a row or from Prisma reading it
// back. Object keys are sorted; null and undefined members are dropped (a
// column written as absent reads back as null); Dates are ISO strings,
// bigints decimal strings, bytes base64.
import { createHash } from "node:crypto";

type Canon = null | boolean | number | string | Canon[] | { [k: string]: Canon };

function normalize(value: unknown): Canon | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map((v) => normalize(v) ?? null);
  if (typeof value === "object") {
    const out: { [k: string]: Canon } = {};
    for (const key of Object.keys(value).sort()) {
      const v = normalize((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("canonical: numbers must be finite");
    return value;
  }
  if (typeof value === "string" || typeof value === "boolean") return value;
  throw new Error(`canonical: cannot encode ${typeof value}`);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value) ?? null);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function canonicalDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
