// Creates .env from .env.example on first run and fills in any secret that is
// empty, so a fresh clone starts with strong, unique secrets and no manual step.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { generateKeyPairSync, randomBytes } from "node:crypto";

export function generatedSecrets() {
  const { privateKey } = generateKeyPairSync("ed25519");
  return {
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    RAMPART_MASTER_KEY: randomBytes(32).toString("base64"),
    AUDIT_SIGNING_KEY: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
  };
}

/** Returns the names of the settings it generated (empty when .env was complete). */
export function ensureEnvFile(path = ".env", examplePath = ".env.example") {
  const text = existsSync(path) ? readFileSync(path, "utf8") : readFileSync(examplePath, "utf8");
  const secrets = generatedSecrets();
  const filled = [];
  let out = text;
  for (const [name, value] of Object.entries(secrets)) {
    const line = new RegExp(`^${name}=(.*)$`, "m");
    const m = line.exec(out);
    if (!m) {
      out += `${out.endsWith("\n") ? "" : "\n"}${name}=${value}\n`;
      filled.push(name);
    } else if (m[1].trim() === "") {
      out = out.replace(line, `${name}=${value}`);
      filled.push(name);
    }
  }
  if (filled.length > 0 || !existsSync(path)) writeFileSync(path, out, { mode: 0o600 });
  return filled;
}
