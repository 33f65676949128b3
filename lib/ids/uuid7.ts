// Time-ordered ids (UUID version 7, RFC 9562) for evidence rows. Ingest appends
// rows at a high rate; with random (v4) ids every insert lands on a random leaf
// of the primary-key index (and of the audit trail's target index), so under
// load Postgres keeps evicting dirty index pages to make room for the next
// random one, and the worker's lookups of just-ingested rows miss the cache
// too. v7 ids of rows stored together sort together: inserts go to the right
// edge of those indexes and recent rows stay on a few hot pages.
//
// Layout: 48 bits of Unix milliseconds, version 7, 12 random bits, variant 10,
// 62 random bits. Ids made in the same millisecond are unordered among
// themselves (the random bits), which costs nothing here: nothing sorts by id
// to learn the order of events (times are columns of their own).
import { randomFillSync } from "node:crypto";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const POOL_IDS = 512;
const pool = Buffer.allocUnsafe(POOL_IDS * 10);
let offset = pool.length;

/** A new UUID v7 for the given time (ms since the epoch; now by default). */
export function uuid7(now = Date.now()): string {
  if (!Number.isSafeInteger(now) || now < 0 || now >= 2 ** 48) throw new RangeError("uuid7: time out of range");
  if (offset + 10 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = pool;
  const o = offset;
  offset += 10;
  const high = Math.floor(now / 2 ** 16); // the first 32 bits of the 48-bit time
  const low = now % 2 ** 16;
  return (
    HEX[(high >>> 24) & 0xff]! +
    HEX[(high >>> 16) & 0xff]! +
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    "-" +
    HEX[low >>> 8]! +
    HEX[low & 0xff]! +
    "-" +
    HEX[0x70 | (r[o]! & 0x0f)]! +
    HEX[r[o + 1]!]! +
    "-" +
    HEX[0x80 | (r[o + 2]! & 0x3f)]! +
    HEX[r[o + 3]!]! +
    "-" +
    HEX[r[o + 4]!]! +
    HEX[r[o + 5]!]! +
    HEX[r[o + 6]!]! +
    HEX[r[o + 7]!]! +
    HEX[r[o + 8]!]! +
    HEX[r[o + 9]!]!
  );
}

/** The millisecond time a v7 id carries. */
export function uuid7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
