import { describe, expect, it } from "vitest";
import { assertNoWeldedOverrides, flagEnvVarName, isWelded, weldedFlags } from "@/lib/flags/welded";
import { flagKeySchema } from "@/lib/flags/schemas";

const welded = weldedFlags[0]!;
const envName = flagEnvVarName(welded.key);

describe("welded flags", () => {
  it("are valid, distinct flag keys with a reason", () => {
    expect(weldedFlags.length).toBeGreaterThan(0);
    expect(new Set(weldedFlags.map((f) => f.key)).size).toBe(weldedFlags.length);
    for (const f of weldedFlags) {
      expect(flagKeySchema.safeParse(f.key).success, f.key).toBe(true);
      expect(f.reason.length).toBeGreaterThan(10);
      expect(isWelded(f.key)).toBe(true);
    }
    expect(isWelded("assistant-v2")).toBe(false);
  });

  it("map to RAMPART_FLAG_<KEY> environment variables", () => {
    expect(flagEnvVarName("raw-model-output")).toBe("RAMPART_FLAG_RAW_MODEL_OUTPUT");
    expect(flagEnvVarName("a.b_c-d9")).toBe("RAMPART_FLAG_A_B_C_D9");
  });

  it.each(["on", "true", "1", "yes", "ON", " enabled "])("refuses %j and names the flag", (value) => {
    expect(() => assertNoWeldedOverrides({ [envName]: value })).toThrow(welded.key);
    expect(() => assertNoWeldedOverrides({ [envName]: value })).toThrow(envName);
  });

  it("refuses a differently-cased variable name too", () => {
    expect(() => assertNoWeldedOverrides({ [envName.toLowerCase()]: "on" })).toThrow(welded.key);
  });

  it.each(["", "0", "false", "off", "OFF", "no", "disabled"])("accepts the off value %j", (value) => {
    expect(() => assertNoWeldedOverrides({ [envName]: value })).not.toThrow();
  });

  it("ignores overrides of flags that are not welded", () => {
    expect(() => assertNoWeldedOverrides({ RAMPART_FLAG_ASSISTANT_V2: "on", PATH: "/usr/bin" })).not.toThrow();
  });
});
