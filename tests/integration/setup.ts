// Integration tests run against the real Postgres and Redis. `npm test`
// provides the environment; run alone, they default to the test database.
import { generateKeyPairSync, randomBytes } from "node:crypto";

const defaults: Record<string, string> = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/rampart_test",
  REDIS_URL: "redis://127.0.0.1:6379/1",
  NEXTAUTH_URL: "http://localhost:3100",
  NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  RAMPART_MASTER_KEY: randomBytes(32).toString("base64"),
  AUDIT_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
};
for (const [k, v] of Object.entries(defaults)) process.env[k] ||= v;
