// Canonical encoding for hashing: the same data always gives the same bytes,
// whether it comes from the code that wrote a row or from Prisma reading it
// back. Object keys are sorted; null and undefined members are dropped (a
// column written as absent reads back as null); Dates are ISO strings,
// bigints decimal strings, bytes base64.
import { createHash } from "node:crypto";

const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;
const isArrayIndex = (key: string) => ARRAY_INDEX.test(key) && Number(key) < 4294967295;

/**
 * The order the encoding has always had (it used to build a sorted copy and
 * JSON.stringify it, and a JavaScript object lists integer-like keys first,
 * ascending, before its other keys): integer-like keys in numeric order, then
 * the rest sorted by UTF-16 code units. Object.keys already lists the
 * integer-like keys first and in order, so only the rest needs sorting.
 */
function canonicalKeyOrder(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  let integers = 0;
  while (integers < keys.length && isArrayIndex(keys[integers]!)) integers++;
  if (integers === 0) return keys.sort();
  return [...keys.slice(0, integers), ...keys.slice(integers).sort()];
}

/** Appends the canonical JSON of a value that is neither null nor undefined. */
function write(value: unknown, out: string[]): void {
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(value)) throw new Error("canonical: numbers must be finite");
      out.push(JSON.stringify(value));
      return;
    case "bigint":
      out.push(`"${value.toString()}"`);
      return;
    case "object": {
      if (value instanceof Date) {
        out.push(`"${value.toISOString()}"`);
        return;
      }
      if (value instanceof Uint8Array) {
        out.push(`"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")}"`);
        return;
      }
      if (Array.isArray(value)) {
        out.push("[");
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(",");
          const v: unknown = value[i];
          if (v === null || v === undefined) out.push("null");
          else write(v, out);
        }
        out.push("]");
        return;
      }
      const record = value as Record<string, unknown>;
      out.push("{");
      let first = true;
      for (const key of canonicalKeyOrder(record)) {
        const v = record[key];
        if (v === null || v === undefined) continue;
        if (!first) out.push(",");
        first = false;
        out.push(JSON.stringify(key), ":");
        write(v, out);
      }
      out.push("}");
      return;
    }
    default:
      throw new Error(`canonical: cannot encode ${typeof value}`);
  }
}

// One pass straight to text: ingest digests every stored row, so this is on
// the hot path (an intermediate sorted copy of each row cost twice as much).
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  const out: string[] = [];
  write(value, out);
  return out.join("");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function canonicalDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
