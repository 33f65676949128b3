import { describe, expect, it } from "vitest";
import { z } from "zod";
import { uuid7, uuid7Time } from "./uuid7";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuid7", () => {
  it("is a version-7, variant-10 UUID that the app's own uuid checks accept", () => {
    for (let i = 0; i < 2_000; i++) {
      const id = uuid7();
      expect(id).toMatch(V7);
      expect(z.uuid().safeParse(id).success).toBe(true);
    }
  });

  it("carries its time in the first 48 bits, so ids sort by the millisecond they were made in", () => {
    const t = Date.UTC(2026, 11, 2, 17, 3, 4, 567);
    expect(uuid7Time(uuid7(t))).toBe(t);
    expect(uuid7(0).startsWith("00000000-0000-7")).toBe(true);
    expect(uuid7Time(uuid7(2 ** 48 - 1))).toBe(2 ** 48 - 1);
    const ids = Array.from({ length: 1_000 }, (_, i) => uuid7(t + i * 37));
    expect([...ids].sort()).toEqual(ids);
  });

  it("does not repeat (the random bits), across many pool refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) seen.add(uuid7(1_700_000_000_000));
    expect(seen.size).toBe(50_000);
  });

  it("refuses a time it cannot encode", () => {
    expect(() => uuid7(-1)).toThrow(RangeError);
    expect(() => uuid7(2 ** 48)).toThrow(RangeError);
    expect(() => uuid7(1.5)).toThrow(RangeError);
  });
});
