// Owns the process configuration: read once from process.env, validated, frozen.
// A missing or malformed setting stops the process with a message naming it.
import { z } from "zod";
import { weldedOverrideProblems } from "@/lib/flags/welded";

const base64Key = (bytes: number) =>
  z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === bytes, {
      message: `must be ${bytes} bytes, base64-encoded`,
    });

const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.url().optional());
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

export const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL"),
    NEXTAUTH_URL: z.url(),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters"),
    /** Wraps per-project secrets and per-subject data keys (AES-256-GCM). */
    RAMPART_MASTER_KEY: base64Key(32),
    /** Ed25519 private key (PKCS#8 DER, base64) that signs audit checkpoints. */
    AUDIT_SIGNING_KEY: z.string().min(40, "must be a base64 PKCS#8 Ed25519 key"),
    SESSION_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(8),
    OIDC_ISSUER: optionalUrl,
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_NAME: z.string().default("SSO"),
    DATA_DIR: z.string().default(".data/files"),
    /** Where export files and their manifests are written; web (downloads) and workers (writers) must both reach it. */
    EXPORT_DIR: z.string().min(1).default(".data/exports"),
    /**
     * Bearer token Prometheus presents to GET /metrics; unset disables the endpoint (404).
     * Sent in a header, so RFC 6750 token characters only, and long enough not to be guessed.
     */
    RAMPART_METRICS_TOKEN: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string()
        .min(16, "must be at least 16 characters")
        .regex(/^[A-Za-z0-9\-._~+/]+=*$/, "may hold only letters, digits and - . _ ~ + / (then = padding)")
        .optional(),
    ),
    /** Requests per second one API key may make, unless the key sets its own limit. */
    API_KEY_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).default(5000),
    /** How long a worker's job lock lasts; a killed worker's jobs are retried after about this long. */
    WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /**
     * Webhooks to private, loopback and link-local addresses are refused (a
     * console admin must not be able to make the worker call internal services).
     * "true" allows them; loopback is allowed anyway while NEXTAUTH_URL is itself
     * on loopback (a local demo or development).
     */
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  })
  .superRefine((cfg, ctx) => {
    const oidc = [cfg.OIDC_ISSUER, cfg.OIDC_CLIENT_ID, cfg.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together",
      });
    }
    if (cfg.NODE_ENV === "production" && /change-me|example/i.test(cfg.NEXTAUTH_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXTAUTH_SECRET"],
        message: "is still the example value",
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`)),
    ...weldedOverrideProblems(env),
  ];
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(result.data);
}

let cached: Config | undefined;

/** The validated configuration; parsed on first use, then shared. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** For process entry points: validate now, or print the problems and exit. */
export function loadConfigOrExit(): Config {
  try {
    return config();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`[rampart] ${err.message}\nSee .env.example for every setting.`);
      process.exit(1);
    }
    throw err;
  }
}
