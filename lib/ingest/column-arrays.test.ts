import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { arrayParamType, columnArrays, columnExpr, encodeRows, rowDigest, textArrayLiteral, type Column } from "./column-arrays";

/** Reads a one-dimensional binary array back: its element OID and each element's bytes (null for NULL). */
function readArray(buf: Buffer): { oid: number; hasNulls: number; elements: (Buffer | null)[] } {
  const ndim = buf.readInt32BE(0);
  const hasNulls = buf.readInt32BE(4);
  const oid = buf.readUInt32BE(8);
  if (ndim === 0) {
    expect(buf.length).toBe(12);
    return { oid, hasNulls, elements: [] };
  }
  expect(ndim).toBe(1);
  const n = buf.readInt32BE(12);
  expect(buf.readInt32BE(16)).toBe(1);
  const elements: (Buffer | null)[] = [];
  let pos = 20;
  for (let i = 0; i < n; i++) {
    const len = buf.readInt32BE(pos);
    pos += 4;
    if (len < 0) elements.push(null);
    else {
      elements.push(buf.subarray(pos, pos + len));
      pos += len;
    }
  }
  expect(pos).toBe(buf.length);
  return { oid, hasNulls, elements };
}

describe("columnArrays", () => {
  const columns: Column[] = [
    ["id", "uuid"],
    ["name", "text"],
    ["at", "timestamp(3)"],
    ["doc", "jsonb"],
    ["n", "integer"],
    ["big", "bigint"],
    ["x", "double precision"],
    ["bytes", "bytea"],
    ["tags", "text[]"],
    ["kind", '"Decision"'],
  ];
  const rows = [
    {
      id: "01890a5d-ac96-774b-bcce-b302099a8057",
      name: "Orders \u2192 Help \ud83d\ude00",
      at: "2026-12-04T15:00:00.123Z",
      doc: { a: [1, null], b: "x" },
      n: -7,
      big: "1000000000000",
      x: 0.1,
      bytes: Buffer.from([0, 1, 254, 255]).toString("base64"),
      tags: ["a", 'q"uote', "back\\slash", "NULL", "", "{x,y}"],
      kind: "PASS",
    },
    { id: "01890A5D-AC96-774B-BCCE-B302099A8058", name: undefined, at: "2000-01-01T00:00:00.000Z", doc: null, n: 2147483647, big: undefined, x: -0, bytes: undefined, tags: [], kind: "BLOCK" },
  ];

  it("writes one binary array per column, element by element, NULL for null or undefined", () => {
    const out = columnArrays(columns, rows);
    expect(out).toHaveLength(columns.length);
    const [id, name, at, doc, n, big, x, bytes, tags, kind] = out.map(readArray);
    expect(id!.oid).toBe(2950);
    expect(id!.elements.map((e) => e!.toString("hex"))).toEqual(["01890a5dac96774bbcceb302099a8057", "01890a5dac96774bbcceb302099a8058"]);
    expect(name!.oid).toBe(25);
    expect(name!.hasNulls).toBe(1);
    expect(name!.elements[0]!.toString("utf8")).toBe(rows[0]!.name);
    expect(name!.elements[1]).toBeNull();
    // Microseconds since 2000-01-01 UTC.
    expect(at!.elements.map((e) => e!.readBigInt64BE(0))).toEqual([BigInt(Date.parse(rows[0]!.at) - Date.UTC(2000, 0, 1)) * 1000n, 0n]);
    expect(doc!.oid).toBe(3802);
    expect(doc!.elements[0]![0]).toBe(1);
    expect(doc!.elements[0]!.subarray(1).toString("utf8")).toBe('{"a":[1,null],"b":"x"}');
    expect(doc!.elements[1]).toBeNull();
    expect(n!.elements.map((e) => e!.readInt32BE(0))).toEqual([-7, 2147483647]);
    expect(big!.elements[0]!.readBigInt64BE(0)).toBe(1000000000000n);
    expect(big!.elements[1]).toBeNull();
    expect(x!.elements.map((e) => e!.readDoubleBE(0))).toEqual([0.1, -0]);
    expect(bytes!.oid).toBe(17);
    expect([...bytes!.elements[0]!]).toEqual([0, 1, 254, 255]);
    expect(tags!.elements.map((e) => e!.toString())).toEqual(['{"a","q\\"uote","back\\\\slash","NULL","","{x,y}"}', "{}"]);
    expect(kind!.oid).toBe(25);
    expect(kind!.elements.map((e) => e!.toString())).toEqual(["PASS", "BLOCK"]);
    expect(out.every((b, i) => i === 0 || b.buffer === out[0]!.buffer)).toBe(true);
  });

  it("writes empty arrays with no dimensions", () => {
    const out = columnArrays(columns, []);
    for (const [i, b] of out.entries()) expect(readArray(b)).toEqual({ oid: [2950, 25, 1114, 3802, 23, 20, 701, 17, 25, 25][i], hasNulls: 0, elements: [] });
  });

  it("grows its scratch for large values and keeps earlier batches intact", () => {
    const big = "\u00e9".repeat(1_500_000);
    const first = columnArrays([["name", "text"]], [{ name: "small" }]);
    const second = columnArrays([["name", "text"]], [{ name: big }, { name: "after" }]);
    expect(readArray(first[0]!).elements[0]!.toString()).toBe("small");
    const els = readArray(second[0]!).elements;
    expect(els[0]!.length).toBe(3_000_000);
    expect(els[1]!.toString()).toBe("after");
  });

  it("refuses values its column type cannot hold, naming the column", () => {
    expect(() => columnArrays([["id", "uuid"]], [{ id: "not-a-uuid" }])).toThrow(/id \(uuid\)/);
    expect(() => columnArrays([["id", "uuid"]], [{ id: "01890a5d-ac96-774b-bcce-b302099a80g7" }])).toThrow(/id \(uuid\)/);
    expect(() => columnArrays([["id", "uuid"]], [{ id: "01890a5dac96-774b-bcce-b302099a8057-" }])).toThrow(/id \(uuid\)/);
    expect(() => columnArrays([["n", "integer"]], [{ n: 1.5 }])).toThrow(/n \(integer\)/);
    expect(() => columnArrays([["n", "integer"]], [{ n: 2 ** 31 }])).toThrow(RangeError);
    expect(() => columnArrays([["at", "timestamp(3)"]], [{ at: "yesterday" }])).toThrow(/at \(timestamp/);
    expect(() => columnArrays([["x", "point"]], [{ x: 1 }])).toThrow(/no binary encoding/);
  });

  it("names each parameter's array type and casts what travels as text", () => {
    expect(columns.map(([, t]) => arrayParamType(t))).toEqual(["uuid[]", "text[]", "timestamp[]", "jsonb[]", "int4[]", "int8[]", "float8[]", "bytea[]", "text[]", "text[]"]);
    expect(columnExpr("x.tags", "text[]")).toBe("x.tags::text[]");
    expect(columnExpr("x.kind", '"Decision"')).toBe('x.kind::"Decision"');
    expect(columnExpr("x.id", "uuid")).toBe("x.id");
    expect(textArrayLiteral([])).toBe("{}");
  });

  it("digests each row as its non-null columns in name order: name, a zero byte, the element as it travels", () => {
    const { params, digests } = encodeRows(columns, rows);
    const arrays = params.map(readArray);
    rows.forEach((row, r) => {
      const parts: Buffer[] = [];
      const byName = columns.map((c, i) => [c[0], i] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
      for (const [name, i] of byName) {
        const el = arrays[i]!.elements[r];
        if (el === null || el === undefined) continue;
        const len = Buffer.alloc(4);
        len.writeInt32BE(el.length);
        parts.push(Buffer.from(`${name}\u0000`), len, el);
      }
      expect(digests[r]).toBe(createHash("sha256").update(Buffer.concat(parts)).digest("hex"));
      expect(rowDigest(columns, row)).toBe(digests[r]);
    });
    expect(new Set(digests).size).toBe(2);
  });

  it("gives a row read back (Date, bigint, bytes) the digest of the row as ingest held it", () => {
    const held = rows[0]! as (typeof rows)[0] & { at: string; big: string; bytes: string };
    const readBack = { ...held, at: new Date(held.at), big: BigInt(held.big), bytes: new Uint8Array(Buffer.from(held.bytes, "base64")), extra: "not a column" };
    expect(rowDigest(columns, readBack)).toBe(rowDigest(columns, held));
    // A NULL column is left out entirely, so a column added later leaves older digests as they were.
    const { name: _name, ...withoutName } = rows[1]!;
    expect(rowDigest([...columns, ["added", "text"]], withoutName)).toBe(rowDigest(columns, rows[1]!));
    // Any change to a value, or a value moved to another column, changes it.
    expect(rowDigest(columns, { ...held, n: -8 })).not.toBe(rowDigest(columns, held));
    expect(rowDigest(columns, { ...held, name: held.kind, kind: held.name })).not.toBe(rowDigest(columns, held));
  });
});
