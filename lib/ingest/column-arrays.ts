// Rows as one Postgres array per column, in binary wire format, for
// `INSERT … SELECT … FROM unnest($1::uuid[], $2::text[], …)`. Postgres reads a
// binary array element by element with each type's receive function (a copy
// for text, 16 bytes for a uuid, 8 for a time) instead of lexing one JSON
// document character by character and then parsing every field again from its
// text (jsonb_to_recordset): ~37 against ~47 µs of backend CPU per ~3 KB
// interaction row, the bulk of ingest's Postgres time.
//
// Binary array format (array_recv): int32 dimensions (1, or 0 when empty),
// int32 has-nulls flag, uint32 element type OID, then per dimension int32
// length and int32 lower bound (1); then per element an int32 byte length (-1
// for NULL) and that many bytes in the element type's binary format.
//
// The same bytes are each row's digest (ROW_DIGEST_ENCODING): the audit event
// of a request names every row it stored with the SHA-256 of, for each
// non-null column in order of name, the name's UTF-8 bytes, a zero byte, and
// the element as it travels (int32 length, then the value in binary). The
// rows are written row by row, each row's bytes hashed where they lie, then
// copied into their columns: no second serialization of a ~3 KB row (its
// JSON.stringify took ~7.5 of the web process's ~85 µs per event). verify
// reads a row back and encodes it the same way (rowDigest). A column added
// later is NULL in older rows and so leaves their digests as they were.
import { hash } from "node:crypto";

export type Column = readonly [name: string, pgType: string];

/** How a column's values travel: the array's element type, its OID, and the cast (if any) that makes them the column's type. */
type Wire = { array: string; oid: number; cast: string | null };

const WIRE: Record<string, Wire> = {
  uuid: { array: "uuid[]", oid: 2950, cast: null },
  text: { array: "text[]", oid: 25, cast: null },
  "timestamp(3)": { array: "timestamp[]", oid: 1114, cast: null },
  jsonb: { array: "jsonb[]", oid: 3802, cast: null },
  integer: { array: "int4[]", oid: 23, cast: null },
  bigint: { array: "int8[]", oid: 20, cast: null },
  "double precision": { array: "float8[]", oid: 701, cast: null },
  bytea: { array: "bytea[]", oid: 17, cast: null },
  // An array column can't be one element of an array parameter (Postgres
  // arrays are rectangular): each value travels as its array literal.
  "text[]": { array: "text[]", oid: 25, cast: "text[]" },
};

/** Enum columns (a quoted type name) travel as text and are cast: their OIDs differ from one database to the next. */
function wireOf(pgType: string): Wire {
  const w = WIRE[pgType] ?? (pgType.startsWith('"') ? { array: "text[]", oid: 25, cast: pgType } : undefined);
  if (!w) throw new Error(`column-arrays: no binary encoding for ${pgType}`);
  return w;
}

/** The parameter's type, for `$n::<type>` (unnest's argument). */
export const arrayParamType = (pgType: string): string => wireOf(pgType).array;

/** The expression that reads unnest's output column as the table column's type. */
export function columnExpr(expr: string, pgType: string): string {
  const { cast } = wireOf(pgType);
  return cast ? `${expr}::${cast}` : expr;
}

const MS_2000 = Date.UTC(2000, 0, 1);

/**
 * A Postgres array literal of strings: every element quoted, with backslash
 * and double quote escaped, so that no string ("NULL", "", "a,b", "{x}") is
 * read as anything but itself.
 */
export function textArrayLiteral(values: readonly string[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) out += (i > 0 ? ',"' : '"') + values[i]!.replace(/["\\]/g, "\\$&") + '"';
  return out + "}";
}

/**
 * One growing buffer, reused from call to call: each batch's arrays are
 * written into it and copied out once, to a buffer of their exact size (the
 * parameters live until the statement is sent, while the scratch serves the
 * next batch).
 */
let scratch = Buffer.allocUnsafe(1 << 20);
let pos = 0;

function reserve(bytes: number): void {
  if (pos + bytes <= scratch.length) return;
  let size = scratch.length * 2;
  while (size < pos + bytes) size *= 2;
  const grown = Buffer.allocUnsafe(size);
  scratch.copy(grown, 0, 0, pos);
  scratch = grown;
}

function writeString(s: string): void {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  reserve(4 + s.length * 3);
  // Short ASCII strings (most columns) byte by byte: Buffer.write's own call costs ~5× more.
  if (s.length <= 64) {
    let p = pos + 4;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        p = -1;
        break;
      }
      scratch[p++] = c;
    }
    if (p >= 0) {
      scratch.writeInt32BE(s.length, pos);
      pos += 4 + s.length;
      return;
    }
  }
  const n = scratch.write(s, pos + 4, "utf8");
  scratch.writeInt32BE(n, pos);
  pos += 4 + n;
}

function writeFixed(size: number): number {
  reserve(4 + size);
  scratch.writeInt32BE(size, pos);
  pos += 4 + size;
  return pos - size;
}

function fail(column: string, pgType: string, value: unknown): never {
  throw new TypeError(`column-arrays: ${column} (${pgType}) cannot hold ${typeof value} ${String(value).slice(0, 40)}`);
}

/** Writes a non-null value as an element: int32 length, then its bytes. */
function writeElement(column: string, pgType: string, v: unknown): void {
  switch (pgType) {
    case "uuid": {
      if (typeof v !== "string" || !writeUuid(v, writeFixed(16))) fail(column, pgType, v);
      return;
    }
    case "timestamp(3)": {
      // Rows carry times as ISO strings; a row read back has Dates.
      const ms = typeof v === "string" ? Date.parse(v) : v instanceof Date ? v.getTime() : Number.NaN;
      if (!Number.isFinite(ms)) fail(column, pgType, v);
      // Microseconds since 2000-01-01, UTC (the column holds UTC wall-clock time), as a
      // signed 64-bit integer written in two halves: exact without a BigInt per value.
      const at = writeFixed(8);
      const since = ms - MS_2000; // |since| < 2^53, so both halves below are exact
      const high = Math.floor(since / 2 ** 32);
      const low = (since - high * 2 ** 32) * 1000; // < 2^42
      const carry = Math.floor(low / 2 ** 32);
      scratch.writeInt32BE(high * 1000 + carry, at);
      scratch.writeUInt32BE(low - carry * 2 ** 32, at + 4);
      return;
    }
    case "jsonb": {
      const text = JSON.stringify(v);
      reserve(5 + text.length * 3);
      scratch[pos + 4] = 1; // jsonb binary format version
      const n = scratch.write(text, pos + 5, "utf8");
      scratch.writeInt32BE(n + 1, pos);
      pos += 5 + n;
      return;
    }
    case "integer":
      if (typeof v !== "number" || !Number.isInteger(v)) fail(column, pgType, v);
      scratch.writeInt32BE(v, writeFixed(4)); // throws outside the int4 range
      return;
    case "bigint": {
      if (typeof v !== "string" && typeof v !== "bigint" && typeof v !== "number") fail(column, pgType, v);
      scratch.writeBigInt64BE(BigInt(v), writeFixed(8));
      return;
    }
    case "double precision":
      if (typeof v !== "number") fail(column, pgType, v);
      scratch.writeDoubleBE(v, writeFixed(8));
      return;
    case "bytea": {
      // Rows carry bytes as base64 (their canonical encoding); a row read back has the bytes.
      if (typeof v !== "string" && !(v instanceof Uint8Array)) fail(column, pgType, v);
      const bytes = typeof v === "string" ? Buffer.from(v, "base64") : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      bytes.copy(scratch, writeFixed(bytes.length));
      return;
    }
    case "text[]":
      if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) fail(column, pgType, v);
      writeString(textArrayLiteral(v as string[]));
      return;
    default:
      // text, and enums as their label
      if (typeof v !== "string") fail(column, pgType, v);
      writeString(v);
      return;
  }
}

/** Hex digit values by character code, -1 for anything else. */
const HEX = new Int8Array(128).fill(-1);
for (let c = 0; c < 16; c++) {
  HEX["0123456789abcdef".charCodeAt(c)] = c;
  HEX["0123456789ABCDEF".charCodeAt(c)] = c;
}

/**
 * A uuid's 16 bytes at `at`, read straight from its 8-4-4-4-12 hex form
 * (0.05 µs, against 0.75 for a regex check and Buffer.write of five slices:
 * an interaction row has five uuid columns). False if it is not that form.
 */
function writeUuid(s: string, at: number): boolean {
  if (s.length !== 36) return false;
  for (let i = 0, b = at; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (s.charCodeAt(i) !== 0x2d) return false;
      continue;
    }
    const hi = HEX[s.charCodeAt(i)] ?? -1;
    const lo = HEX[s.charCodeAt(i + 1)] ?? -1;
    if (hi < 0 || lo < 0) return false; // a hyphen out of place is not a hex digit either
    scratch[b++] = (hi << 4) | lo;
    i++;
  }
  return true;
}

/** How a row's digest is computed (audit metadata names it; see the top of this file). */
export const ROW_DIGEST_ENCODING = "columns-v1" as const;

type Plan = { byName: number[]; names: Buffer[] };
const plans = new WeakMap<readonly Column[], Plan>();

function planOf(columns: readonly Column[]): Plan {
  let plan = plans.get(columns);
  if (!plan) {
    for (const [, t] of columns) wireOf(t);
    const byName = columns.map((_, i) => i).sort((a, b) => (columns[a]![0] < columns[b]![0] ? -1 : 1));
    plan = { byName, names: columns.map(([n]) => Buffer.from(`${n}\u0000`, "utf8")) };
    plans.set(columns, plan);
  }
  return plan;
}

/** Where each row's element of each column lies in the scratch (start, end), start -1 for NULL; reused. */
let spans = new Int32Array(4096);

/**
 * Each row encoded once: its digest, and the columns as binary arrays (one per
 * column, in the columns' order, null/undefined as NULL). Values are in the
 * forms ingest's rows hold (ISO strings for times, decimal strings for
 * bigints, base64 for bytes, canonical key order inside jsonb) or as read back
 * (Date, bigint, Uint8Array).
 */
export function encodeRows(columns: readonly Column[], rows: readonly Record<string, unknown>[], opts: { arrays?: boolean } = {}): { params: Buffer[]; digests: string[] } {
  const { byName, names } = planOf(columns);
  const nc = columns.length;
  if (spans.length < rows.length * nc * 2) spans = new Int32Array(rows.length * nc * 2);
  const digests: string[] = new Array(rows.length);
  pos = 0;
  try {
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const rowStart = pos;
      for (const c of byName) {
        const [name, pgType] = columns[c]!;
        const v = row[name];
        const k = (r * nc + c) * 2;
        if (v === null || v === undefined) {
          spans[k] = -1;
          continue;
        }
        const nameBytes = names[c]!;
        reserve(nameBytes.length);
        for (let i = 0; i < nameBytes.length; i++) scratch[pos + i] = nameBytes[i]!;
        pos += nameBytes.length;
        spans[k] = pos;
        writeElement(name, pgType, v);
        spans[k + 1] = pos;
      }
      digests[r] = hash("sha256", scratch.subarray(rowStart, pos), "hex");
    }
    if (opts.arrays === false) return { params: [], digests };
    return { params: assemble(columns, rows.length), digests };
  } finally {
    pos = 0;
  }
}

/** The columns' arrays, from the elements written row by row, in one buffer of their exact size. */
function assemble(columns: readonly Column[], nr: number): Buffer[] {
  const nc = columns.length;
  let total = 0;
  for (let c = 0; c < nc; c++) {
    let size = nr > 0 ? 20 : 12;
    for (let r = 0; r < nr; r++) {
      const k = (r * nc + c) * 2;
      size += spans[k]! < 0 ? 4 : spans[k + 1]! - spans[k]!;
    }
    total += size;
  }
  const out = Buffer.allocUnsafeSlow(total);
  const params: Buffer[] = new Array(nc);
  let at = 0;
  for (let c = 0; c < nc; c++) {
    const start = at;
    out.writeInt32BE(nr > 0 ? 1 : 0, at);
    out.writeUInt32BE(wireOf(columns[c]![1]).oid, at + 8);
    at += 12;
    if (nr > 0) {
      out.writeInt32BE(nr, at);
      out.writeInt32BE(1, at + 4);
      at += 8;
    }
    let nulls = 0;
    for (let r = 0; r < nr; r++) {
      const k = (r * nc + c) * 2;
      const from = spans[k]!;
      if (from < 0) {
        out.writeInt32BE(-1, at);
        at += 4;
        nulls = 1;
      } else {
        const to = spans[k + 1]!;
        // Short elements byte by byte: Buffer.copy builds a view per call (~60 ns against ~10).
        if (to - from <= 48) for (let i = from; i < to; i++) out[at++] = scratch[i]!;
        else at += scratch.copy(out, at, from, to);
      }
    }
    out.writeInt32BE(nulls, start + 4);
    params[c] = out.subarray(start, at);
  }
  return params;
}

/** One binary array per column, in the columns' order, each holding that column's value of every row (null/undefined as NULL). */
export function columnArrays(columns: readonly Column[], rows: readonly Record<string, unknown>[]): Buffer[] {
  return encodeRows(columns, rows).params;
}

/** A row's digest as ingest computed it (ROW_DIGEST_ENCODING), from the row as stored or as read back. */
export function rowDigest(columns: readonly Column[], row: Record<string, unknown>): string {
  return encodeRows(columns, [row], { arrays: false }).digests[0]!;
}
