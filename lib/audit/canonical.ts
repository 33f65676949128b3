// Canonical encoding for hashing: the same data always gives the same bytes,
// whether it comes from the code that wrote a row or from Prisma reading it
// back. Object keys are sorted; null and undefined members are dropped (a
// column written as absent reads back as null); Dates are ISO strings,
// bigints decimal strings, bytes base64.
import { hash } from "node:crypto";

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
  if (keys.length < CACHE_FROM_KEYS) return sortedKeys(keys);
  // Rows of one kind have the same keys in the same order: their order is sorted once.
  for (const entry of orderCache) {
    if (sameKeys(entry.keys, keys)) return entry.order;
  }
  const order = sortedKeys([...keys]);
  if (orderCache.length >= ORDER_CACHE_SIZE) orderCache.shift();
  orderCache.push({ keys, order });
  return order;
}

/** Objects with this many keys or more have their order looked up (fewer sort faster than a lookup). */
const CACHE_FROM_KEYS = 8;
const ORDER_CACHE_SIZE = 16;
const orderCache: { keys: readonly string[]; order: string[] }[] = [];

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sortedKeys(keys: string[]): string[] {
  let integers = 0;
  while (integers < keys.length && isArrayIndex(keys[integers]!)) integers++;
  if (integers === 0) return keys.sort();
  return [...keys.slice(0, integers), ...keys.slice(integers).sort()];
}

/** The canonical JSON of a value that is neither null nor undefined (string concatenation: V8 joins the pieces lazily). */
function encode(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new Error("canonical: numbers must be finite");
      return JSON.stringify(value);
    case "bigint":
      return `"${value.toString()}"`;
    case "object": {
      if (value instanceof Date) return `"${value.toISOString()}"`;
      if (value instanceof Uint8Array) return `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")}"`;
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          out += (i > 0 ? "," : "") + (v === null || v === undefined ? "null" : encode(v));
        }
        return out + "]";
      }
      const record = value as Record<string, unknown>;
      let out = "{";
      let first = true;
      for (const key of canonicalKeyOrder(record)) {
        const v = record[key];
        if (v === null || v === undefined) continue;
        out += (first ? "" : ",") + JSON.stringify(key) + ":" + encode(v);
        first = false;
      }
      return out + "}";
    }
    default:
      throw new Error(`canonical: cannot encode ${typeof value}`);
  }
}

// One pass straight to text: ingest digests every stored row, so this is on
// the hot path (an intermediate sorted copy of each row cost twice as much).
export function canonicalJson(value: unknown): string {
  return value === null || value === undefined ? "null" : encode(value);
}

export function sha256Hex(data: string | Uint8Array): string {
  // The one-shot hash: no Hash object per call (ingest digests every stored row).
  return hash("sha256", data, "hex");
}

export function canonicalDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
