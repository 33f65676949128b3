import { describe, expect, it } from "vitest";
import { createFlagSchema, flagConfigSchema, flagConfigSchemaFor, initialConfig } from "@/lib/flags/schemas";

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

describe("flag configuration", () => {
  it("fills in boolean variants when they are left out", () => {
    expect(flagConfigSchema.parse({ enabled: true, rolloutBps: 100 })).toEqual({
      enabled: true,
      rolloutBps: 100,
      variants: { on: true, off: false },
      defaultVariant: "on",
      fallbackVariant: "off",
      rules: [],
      prerequisites: [],
    });
  });

  it("names the field for out-of-range rollouts, unknown variants and duplicate rule ids", () => {
    expect(issues(flagConfigSchema.safeParse({ enabled: true, rolloutBps: 10_001 }))[0]).toMatch(/^rolloutBps:/);
    const bad = flagConfigSchema.safeParse({
      enabled: true,
      rolloutBps: 0,
      variants: { a: 1 },
      defaultVariant: "a",
      fallbackVariant: "z",
      rules: [
        { id: "r", conditions: [{ attribute: "region", op: "in", values: ["eu"] }], variant: "q" },
        { id: "r", conditions: [{ attribute: "region", op: "in", values: ["us"] }], variant: "a" },
      ],
    });
    expect(issues(bad)).toEqual(['fallbackVariant: No variant "z"', 'rules.0.variant: No variant "q"', 'rules.1.id: Two rules have the id "r"']);
  });

  it("refuses unknown context attributes", () => {
    const r = flagConfigSchema.safeParse({ enabled: true, rolloutBps: 0, rules: [{ id: "r", conditions: [{ attribute: "email", op: "in", values: ["x"] }], variant: "on" }] });
    expect(issues(r)[0]).toMatch(/^rules\.0\.conditions\.0\.attribute/);
  });

  it("keeps boolean kinds boolean and kill switches all-or-nothing", () => {
    const release = flagConfigSchemaFor("RELEASE", "f");
    expect(release.safeParse({ enabled: true, rolloutBps: 500 }).success).toBe(true);
    expect(release.safeParse({ enabled: true, rolloutBps: 500, variants: { on: "yes", off: false } }).success).toBe(false);
    const kill = flagConfigSchemaFor("KILL_SWITCH", "k");
    expect(kill.safeParse(initialConfig("KILL_SWITCH")).success).toBe(true);
    expect(issues(kill.safeParse({ enabled: true, rolloutBps: 5000 }))[0]).toMatch(/^rolloutBps:/);
    const multi = flagConfigSchemaFor("MULTIVARIATE", "m");
    expect(multi.safeParse({ enabled: true, rolloutBps: 100, variants: { small: "a", large: "b" }, defaultVariant: "large", fallbackVariant: "small" }).success).toBe(true);
  });

  it("refuses a flag that is its own prerequisite", () => {
    expect(issues(flagConfigSchemaFor("RELEASE", "f").safeParse({ enabled: true, rolloutBps: 0, prerequisites: [{ flagKey: "f", state: "on" }] }))).toEqual([
      "prerequisites: A flag cannot be its own prerequisite",
    ]);
  });
});

describe("creating a flag", () => {
  const base = { key: "assistant-v2", kind: "RELEASE", reason: "launch" } as const;

  it("needs a reason and a lower-case key", () => {
    expect(issues(createFlagSchema.safeParse({ ...base, reason: " " }))[0]).toMatch(/^reason:/);
    expect(issues(createFlagSchema.safeParse({ ...base, key: "Assistant V2" }))[0]).toMatch(/^key:/);
  });

  it("gives kill switches no expiry and multivariate flags their variants", () => {
    expect(issues(createFlagSchema.safeParse({ ...base, kind: "KILL_SWITCH", expiresAt: "2030-01-01" }))[0]).toMatch(/^expiresAt:/);
    expect(issues(createFlagSchema.safeParse({ ...base, kind: "MULTIVARIATE" }))[0]).toMatch(/^config:/);
  });

  it("accepts only http(s) ticket links", () => {
    expect(createFlagSchema.safeParse({ ...base, ticketUrl: "https://tracker.example/T-1" }).success).toBe(true);
    expect(createFlagSchema.safeParse({ ...base, ticketUrl: "javascript:alert(1)" }).success).toBe(false);
  });
});
