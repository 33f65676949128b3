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
function canonicalKeyOrder(record: Record<string, unknown>, row: boolean): string[] {
  const keys = Object.keys(record);
  if (!row || keys.length < CACHE_FROM_KEYS) return sortedKeys(keys);
  // Rows of one kind have the same keys in the same order: their order is sorted once. Only
  // top-level values (rows) are looked up: nested ones are client data, which must not crowd them out.
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
function encode(value: unknown, top = false): string {
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
      for (const key of canonicalKeyOrder(record, top)) {
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

/**
 * Whether JSON.stringify(value) is already value's canonical JSON: strings,
 * booleans, finite numbers, arrays of such (null elements allowed), and plain
 * objects whose keys are in canonical order with no null member (undefined
 * ones are left out by both). Ingest builds its rows that way, so their canonical JSON comes from
 * the native JSON.stringify instead of the encoder below.
 */
function stringifiesCanonically(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null) return true; // an array element (object members are checked below)
      if (Array.isArray(value)) {
        for (const v of value as unknown[]) if (v !== undefined && !stringifiesCanonically(v)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false; // Date, bytes, anything with its own toJSON
      const record = value as Record<string, unknown>;
      let previous: string | null = null; // the last non-integer key
      for (const key of Object.keys(record)) {
        const code = key.charCodeAt(0);
        const integer = code >= 48 && code <= 57 && isArrayIndex(key);
        if (integer ? previous !== null : previous !== null && !(previous < key)) return false;
        if (!integer) previous = key;
        const v = record[key];
        if (v === undefined) continue; // JSON.stringify leaves it out, as the canonical encoding does
        if (v === null || !stringifiesCanonically(v)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

// Straight to text: ingest digests every stored row, so this is on the hot
// path (an intermediate sorted copy of each row cost twice as much).
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  return stringifiesCanonically(value) ? JSON.stringify(value) : encode(value, true);
}

export function sha256Hex(data: string | Uint8Array): string {
  // The one-shot hash: no Hash object per call (ingest digests every stored row).
  return hash("sha256", data, "hex");
}

export function canonicalDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** A copy with every object's keys in canonical order (JSON's meaning, and jsonb's storage, do not depend on key order). */
export function withCanonicalKeyOrder<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v: unknown) => withCanonicalKeyOrder(v)) as T;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const v = withCanonicalKeyOrder(record[key]);
    // A plain assignment of "__proto__" would set the copy's prototype instead of a key.
    if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}
