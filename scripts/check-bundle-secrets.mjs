// Fails when a configured secret shows up where it must never be: in what
// the browser downloads (the client bundle under .next/static, and pages or
// payloads prerendered at build time), or, with --log FILE, in the captured
// output of the web server and worker. Secrets are named, never printed.
//
//   node scripts/check-bundle-secrets.mjs              after `npm run build`
//   node scripts/check-bundle-secrets.mjs --log FILE   after the server ran
//
// Values come from the environment, then .env (as the server reads them).
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseEnv } from "node:util";

/** Settings whose whole value is a secret (lib/config.ts, scripts/lib/env-file.mjs). */
const SECRET_SETTINGS = ["NEXTAUTH_SECRET", "RAMPART_MASTER_KEY", "AUDIT_SIGNING_KEY", "OIDC_CLIENT_SECRET", "RAMPART_METRICS_TOKEN", "SEED_PASSWORD"];
/** Settings that are URLs and may hold a password. */
const URL_SETTINGS = ["DATABASE_URL", "REDIS_URL"];
/** Shorter values would match by chance; config refuses such secrets anyway. */
const MIN_LENGTH = 8;

/** A database URL has no business in the browser, with or without a password. */
const BUNDLE_PATTERNS = [{ name: "a postgresql:// URL", re: /postgres(?:ql)?:\/\//i }];
/** In logs a URL is fine; its password is not. */
const LOG_PATTERNS = [{ name: "a URL with a password", re: /\b(?:postgres(?:ql)?|rediss?):\/\/[^\s/:@]*:[^\s/@]+@/i }];

function settings() {
  const fromFile = existsSync(".env") ? parseEnv(readFileSync(".env", "utf8")) : {};
  return { ...fromFile, ...process.env };
}

function configuredSecrets(env = settings()) {
  const secrets = [];
  for (const name of SECRET_SETTINGS) {
    const value = env[name]?.trim();
    if (value && value.length >= MIN_LENGTH) secrets.push({ name, value });
  }
  for (const name of URL_SETTINGS) {
    let password = "";
    try {
      password = decodeURIComponent(new URL(env[name] ?? "").password);
    } catch {
      continue;
    }
    if (password.length >= MIN_LENGTH) secrets.push({ name: `the password in ${name}`, value: password });
  }
  return secrets;
}

function walk(dir, keep, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, keep, out);
    else if (keep(entry.name)) out.push(p);
  }
  return out;
}

/** What the browser can be sent without the server computing it per request. */
function bundleFiles() {
  return [...walk(".next/static", () => true), ...walk(".next/server/app", (name) => /\.(html|rsc|body)$/.test(name))];
}

function scan(files, secrets, patterns) {
  const findings = [];
  for (const file of files) {
    const text = readFileSync(file, "latin1");
    for (const { name, value } of secrets) if (text.includes(value)) findings.push(`${relative(".", file)}: ${name}`);
    for (const { name, re } of patterns) if (re.test(text)) findings.push(`${relative(".", file)}: ${name}`);
  }
  return findings;
}

function main(args) {
  const logIndex = args.indexOf("--log");
  const secrets = configuredSecrets();
  let files;
  let patterns;
  let what;
  if (logIndex >= 0) {
    const log = args[logIndex + 1];
    if (!log) throw new Error("--log needs a file");
    if (!existsSync(log)) {
      // Playwright reuses a server that is already listening; its output went elsewhere.
      console.log(`  no server log at ${log} (an already running server was reused); nothing to check`);
      return 0;
    }
    [files, patterns, what] = [[log], LOG_PATTERNS, "server log"];
  } else {
    files = bundleFiles();
    if (files.length === 0) throw new Error("nothing under .next/static: run `npm run build` first");
    [patterns, what] = [BUNDLE_PATTERNS, "client bundle"];
  }
  const findings = scan(files, secrets, patterns);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  if (findings.length > 0) {
    console.error(`  secrets found in the ${what}:\n${findings.map((f) => `    ${f}`).join("\n")}`);
    return 1;
  }
  console.log(`  ${secrets.length} secrets and ${patterns.length} pattern(s): none in ${files.length} file(s) of the ${what} (${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
