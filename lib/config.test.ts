import { describe, expect, it } from "vitest";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { ConfigError, parseConfig } from "./config";

const valid = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/rampart",
  REDIS_URL: "redis://127.0.0.1:6379/0",
  NEXTAUTH_URL: "http://localhost:3000",
  NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  RAMPART_MASTER_KEY: randomBytes(32).toString("base64"),
  AUDIT_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
};

const problemsOf = (env: Record<string, string | undefined>) => {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
};

describe("configuration", () => {
  it("accepts a complete configuration and applies defaults", () => {
    const cfg = parseConfig(valid);
    expect(cfg.SESSION_MAX_AGE_HOURS).toBe(8);
    expect(cfg.OIDC_ISSUER).toBeUndefined();
  });

  it("names each missing setting", () => {
    const problems = problemsOf({ ...valid, DATABASE_URL: undefined, NEXTAUTH_SECRET: undefined });
    expect(problems.some((p) => p.startsWith("DATABASE_URL:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("NEXTAUTH_SECRET:"))).toBe(true);
  });

  it("refuses an environment that tries to turn on a welded flag, naming it", () => {
    expect(problemsOf({ ...valid, RAMPART_FLAG_RAW_MODEL_OUTPUT: "on" })).toEqual([expect.stringMatching(/^RAMPART_FLAG_RAW_MODEL_OUTPUT: the flag "raw-model-output" is welded off/)]);
    expect(problemsOf({ ...valid, RAMPART_FLAG_RAW_MODEL_OUTPUT: "off" })).toEqual([]);
  });

  it("names malformed settings with the reason", () => {
    expect(problemsOf({ ...valid, REDIS_URL: "localhost:6379" })).toEqual([expect.stringMatching(/^REDIS_URL: .*redis:\/\//)]);
    expect(problemsOf({ ...valid, RAMPART_MASTER_KEY: "c2hvcnQ=" })).toEqual([expect.stringMatching(/^RAMPART_MASTER_KEY: must be 32 bytes/)]);
    expect(problemsOf({ ...valid, SESSION_MAX_AGE_HOURS: "forever" })).toEqual([expect.stringMatching(/^SESSION_MAX_AGE_HOURS:/)]);
  });

  it("requires the OIDC settings together", () => {
    expect(problemsOf({ ...valid, OIDC_ISSUER: "https://id.example.com" })).toEqual([expect.stringMatching(/^OIDC_ISSUER: .*together/)]);
    expect(problemsOf({ ...valid, OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "a", OIDC_CLIENT_SECRET: "b" })).toEqual([]);
  });

  it("refuses a metrics token that is short or could not travel in a Bearer header", () => {
    expect(problemsOf({ ...valid, RAMPART_METRICS_TOKEN: "short" })).toEqual([expect.stringMatching(/^RAMPART_METRICS_TOKEN: must be at least 16/)]);
    expect(problemsOf({ ...valid, RAMPART_METRICS_TOKEN: "has spaces in the middle" })).toEqual([expect.stringMatching(/^RAMPART_METRICS_TOKEN: may hold only/)]);
    expect(parseConfig({ ...valid, RAMPART_METRICS_TOKEN: "Zm9vYmFyYmF6cXV4cXV1eA==" }).RAMPART_METRICS_TOKEN).toBe("Zm9vYmFyYmF6cXV4cXV1eA==");
  });

  it("treats empty optional settings as unset", () => {
    expect(parseConfig({ ...valid, OIDC_ISSUER: "", RAMPART_METRICS_TOKEN: "" }).OIDC_ISSUER).toBeUndefined();
  });
});
