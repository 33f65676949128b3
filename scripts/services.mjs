#!/usr/bin/env node
// Make sure the local backing services (PostgreSQL and Redis) are up.
//
// Plain Node ESM with no npm dependencies: it runs before `npm install` in CI.
//
//   node scripts/services.mjs                 check / start both, print status
//   node scripts/services.mjs --ensure-db     ...and create the DATABASE_URL database if missing
//   node scripts/services.mjs --recreate-db   ...and drop + recreate it
//
//   import { ensureServices, ensureDatabase } from "./scripts/services.mjs";
//
// Settings come from DATABASE_URL / REDIS_URL (read from ./.env when unset),
// defaulting to postgresql://postgres@127.0.0.1:5432/rampart and
// redis://127.0.0.1:6379. Only services on a local host (127.0.0.1, localhost,
// ::1) are ever started; remote ones are just checked.
//
// Starting PostgreSQL: the Debian system cluster (pg_ctlcluster) when one is
// configured for the requested port and we may control it, otherwise a
// project-local instance in .data/postgres (initdb, trust auth, user postgres).
// Starting Redis: a daemonized redis-server with its files in .data/redis.
// Missing binaries are installed with apt-get when running as root on
// Debian/Ubuntu; otherwise we stop and say what to install.

import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";

export const DEFAULT_DATABASE_URL =
  "postgresql://postgres@127.0.0.1:5432/rampart";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

const WAIT_MS = 30_000;
const POLL_MS = 300;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isRoot = () =>
  typeof process.getuid === "function" && process.getuid() === 0;
const isDebian = () => fs.existsSync("/etc/debian_version");

// ---------------------------------------------------------------------------
// Configuration

/** Load ./.env (if present) when DATABASE_URL or REDIS_URL is unset. Existing variables win. */
function loadDotEnv(cwd = process.cwd()) {
  if (process.env.DATABASE_URL && process.env.REDIS_URL) return;
  const file = path.join(cwd, ".env");
  if (!fs.existsSync(file) || typeof process.loadEnvFile !== "function") return;
  try {
    process.loadEnvFile(file);
  } catch (err) {
    throw new Error(`could not read ${file}: ${err.message}`);
  }
}

function stripBrackets(host) {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

export function parseDatabaseUrl(databaseUrl) {
  let u;
  try {
    u = new URL(databaseUrl);
  } catch {
    throw new Error(`DATABASE_URL is not a valid URL: ${databaseUrl}`);
  }
  if (!/^postgres(ql)?:$/.test(u.protocol)) {
    throw new Error(
      `DATABASE_URL must start with postgresql:// (got ${u.protocol}//)`,
    );
  }
  const socketHost = u.searchParams.get("host"); // e.g. ?host=/var/run/postgresql
  return {
    host: stripBrackets(u.hostname) || socketHost || "127.0.0.1",
    socketHost,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || "") || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || undefined,
    sslmode: u.searchParams.get("sslmode") || undefined,
  };
}

export function parseRedisUrl(redisUrl) {
  let u;
  try {
    u = new URL(redisUrl);
  } catch {
    throw new Error(`REDIS_URL is not a valid URL: ${redisUrl}`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new Error(
      `REDIS_URL must start with redis:// or rediss:// (got ${u.protocol}//)`,
    );
  }
  return {
    host: stripBrackets(u.hostname) || "127.0.0.1",
    port: Number(u.port || 6379),
    username: decodeURIComponent(u.username || "") || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === "rediss:",
  };
}

const isLocalHost = (host) => LOCAL_HOSTS.has(host) || host.startsWith("/");
const fmtAddr = (host, port) =>
  host.startsWith("/")
    ? `${host} (port ${port})`
    : host.includes(":")
      ? `[${host}]:${port}`
      : `${host}:${port}`;

// ---------------------------------------------------------------------------
// Process helpers

/** Run a command without a shell. Resolves { code, stdout, stderr }; never rejects on exit status. */
function run(
  cmd,
  args = [],
  { env, cwd, input, timeoutMs = 0, inherit = false } = {},
) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd, args, {
        env: env ? { ...process.env, ...env } : process.env,
        cwd,
        stdio: inherit ? "inherit" : ["pipe", "pipe", "pipe"],
      });
    } catch (err) {
      resolve({ code: 127, stdout: "", stderr: String(err.message) });
      return;
    }
    let stdout = "";
    let stderr = "";
    let timer;
    if (!inherit) {
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.stdin.on("error", () => {});
      child.stdin.end(input ?? "");
    }
    if (timeoutMs) timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: stderr + String(err.message) });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function which(name) {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/** PostgreSQL server bin dirs, newest major version first. */
function postgresBinDirs() {
  const dirs = [];
  const addVersioned = (base, prefix = "", suffix = "") => {
    let entries = [];
    try {
      entries = fs.readdirSync(base);
    } catch {
      return;
    }
    entries
      .filter(
        (e) =>
          e.startsWith(prefix) && /^\d+(\.\d+)?$/.test(e.slice(prefix.length)),
      )
      .sort(
        (a, b) =>
          parseFloat(b.slice(prefix.length)) -
          parseFloat(a.slice(prefix.length)),
      )
      .forEach((e) => dirs.push(path.join(base, e, suffix)));
  };
  addVersioned("/usr/lib/postgresql", "", "bin"); // Debian/Ubuntu
  addVersioned("/usr", "pgsql-", "bin"); // RHEL PGDG
  dirs.push("/usr/local/pgsql/bin");
  return dirs;
}

/** Find a PostgreSQL binary: on PATH, else in the versioned server dirs (optionally a specific major). */
function findPgBinary(name, { major } = {}) {
  if (major) {
    const d = postgresBinDirs().find(
      (dir) =>
        dir.split(path.sep).includes(String(major)) ||
        dir.includes(`pgsql-${major}`),
    );
    if (d && isExecutable(path.join(d, name))) return path.join(d, name);
  }
  const onPath = which(name);
  if (onPath && !major) return onPath;
  for (const dir of postgresBinDirs()) {
    if (isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return onPath;
}

function findRedisServer() {
  return (
    which("redis-server") ||
    [
      "/usr/bin/redis-server",
      "/usr/sbin/redis-server",
      "/usr/local/bin/redis-server",
    ].find(isExecutable) ||
    null
  );
}

const shQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** Run a command as the `postgres` OS user when we are root (PostgreSQL refuses to run as root). */
function runAsPostgres(cmd, args, opts = {}) {
  if (!isRoot()) return run(cmd, args, opts);
  const runuser =
    which("runuser") ||
    ["/usr/sbin/runuser", "/sbin/runuser"].find(isExecutable);
  if (runuser)
    return run(runuser, ["-u", "postgres", "--", cmd, ...args], {
      cwd: "/",
      ...opts,
    });
  return run(
    "su",
    ["postgres", "-s", "/bin/sh", "-c", [cmd, ...args].map(shQuote).join(" ")],
    { cwd: "/", ...opts },
  );
}

function tail(text, lines = 15) {
  return String(text || "")
    .trim()
    .split("\n")
    .slice(-lines)
    .join("\n");
}

function readTail(file, lines = 15) {
  try {
    return tail(fs.readFileSync(file, "utf8"), lines);
  } catch {
    return "";
  }
}

// ---------------------------------------------------------------------------
// Reachability checks

/** Minimal RESP client: connect, send commands in order, return their replies (errors as { error }). */
function redisCommands(
  { host, port, tls: useTls },
  commands,
  timeoutMs = 3000,
) {
  return new Promise((resolve, reject) => {
    const opts = { host, port, servername: net.isIP(host) ? undefined : host };
    const sock = useTls ? tls.connect(opts) : net.connect(opts);
    const replies = [];
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(
      () => finish(new Error(`timed out talking to ${fmtAddr(host, port)}`)),
      timeoutMs,
    );

    // Parse one RESP value at `pos`; returns [value, nextPos] or null when incomplete.
    const parse = (pos) => {
      const eol = buf.indexOf("\r\n", pos);
      if (eol < 0) return null;
      const type = String.fromCharCode(buf[pos]);
      const line = buf.toString("utf8", pos + 1, eol);
      const next = eol + 2;
      switch (type) {
        case "+":
          return [line, next];
        case "-":
          return [{ error: line }, next];
        case ":":
          return [Number(line), next];
        case "$": {
          const len = Number(line);
          if (len < 0) return [null, next];
          if (buf.length < next + len + 2) return null;
          return [buf.toString("utf8", next, next + len), next + len + 2];
        }
        case "*": {
          const n = Number(line);
          if (n < 0) return [null, next];
          const arr = [];
          let p = next;
          for (let i = 0; i < n; i++) {
            const r = parse(p);
            if (!r) return null;
            arr.push(r[0]);
            p = r[1];
          }
          return [arr, p];
        }
        default:
          throw new Error(
            `unexpected reply from ${fmtAddr(host, port)} (is this really Redis?)`,
          );
      }
    };

    sock.on(useTls ? "secureConnect" : "connect", () => {
      const wire = commands
        .map(
          (args) =>
            `*${args.length}\r\n` +
            args
              .map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`)
              .join(""),
        )
        .join("");
      sock.write(wire);
    });
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        let r;
        while (replies.length < commands.length && (r = parse(0))) {
          replies.push(r[0]);
          buf = buf.subarray(r[1]);
        }
      } catch (err) {
        finish(err);
        return;
      }
      if (replies.length === commands.length) finish(null, replies);
    });
    sock.on("error", (err) => finish(err));
    sock.on("close", () =>
      finish(
        new Error(`connection to ${fmtAddr(host, port)} closed unexpectedly`),
      ),
    );
  });
}

function authCommands(r) {
  if (!r.password) return [];
  return [r.username ? ["AUTH", r.username, r.password] : ["AUTH", r.password]];
}

/** { state: "up" | "down" | "starting" | "auth", detail } */
async function checkRedis(r) {
  const auth = authCommands(r);
  try {
    const replies = await redisCommands(r, [...auth, ["PING"]]);
    const authReply = auth.length ? replies[0] : null;
    const pong = replies[replies.length - 1];
    if (authReply?.error) return { state: "auth", detail: authReply.error };
    if (pong === "PONG") return { state: "up" };
    if (pong?.error?.startsWith("LOADING"))
      return { state: "starting", detail: pong.error };
    if (pong?.error && /NOAUTH|WRONGPASS/.test(pong.error))
      return { state: "auth", detail: pong.error };
    return {
      state: "down",
      detail: `unexpected PING reply: ${JSON.stringify(pong)}`,
    };
  } catch (err) {
    return { state: "down", detail: err.code || err.message };
  }
}

/** Raw PostgreSQL protocol ping: SSLRequest, a real server answers 'S' or 'N'. */
function pgProtocolPing(host, port, timeoutMs = 3000) {
  return new Promise((resolve) => {
    const sock = host.startsWith("/")
      ? net.connect({ path: path.join(host, `.s.PGSQL.${port}`) })
      : net.connect({ host, port });
    const finish = (result) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ state: "down", detail: "timeout" }),
      timeoutMs,
    );
    sock.on("connect", () => {
      const msg = Buffer.alloc(8);
      msg.writeInt32BE(8, 0);
      msg.writeInt32BE(80877103, 4);
      sock.write(msg);
    });
    sock.once("data", (d) => {
      const c = String.fromCharCode(d[0]);
      finish(
        c === "S" || c === "N"
          ? { state: "up" }
          : { state: "down", detail: "not a PostgreSQL server" },
      );
    });
    sock.on("error", (err) =>
      finish({ state: "down", detail: err.code || err.message }),
    );
  });
}

/** { state: "up" | "down" | "starting", detail } */
async function checkPostgres(pg) {
  const pgIsReady = findPgBinary("pg_isready");
  if (!pgIsReady) return pgProtocolPing(pg.host, pg.port);
  const args = ["-h", pg.host, "-p", String(pg.port), "-t", "3"];
  if (pg.user) args.push("-U", pg.user);
  const res = await run(pgIsReady, args, { timeoutMs: 10_000 });
  const detail = (res.stdout + res.stderr).trim();
  if (res.code === 0) return { state: "up", detail };
  if (res.code === 1) return { state: "starting", detail }; // rejecting connections: starting up / shutting down
  if (res.code === 3 || res.code === 127)
    return pgProtocolPing(pg.host, pg.port); // pg_isready itself failed
  return { state: "down", detail };
}

async function waitUntilUp(check, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  do {
    last = await check();
    if (last.state === "up" || last.state === "auth") return last;
    await sleep(POLL_MS);
  } while (Date.now() < deadline);
  return last;
}

// ---------------------------------------------------------------------------
// Installing

const INSTALL_HINT = {
  postgres:
    "Install the PostgreSQL server: `sudo apt-get install -y postgresql` (Debian/Ubuntu), " +
    "`sudo dnf install -y postgresql-server` (Fedora/RHEL) or `brew install postgresql@16` (macOS) " +
    "-- or point DATABASE_URL at a running PostgreSQL.",
  redis:
    "Install Redis: `sudo apt-get install -y redis-server` (Debian/Ubuntu), " +
    "`sudo dnf install -y redis` (Fedora/RHEL) or `brew install redis` (macOS) " +
    "-- or point REDIS_URL at a running Redis.",
};

async function aptInstall(packages, log, options = []) {
  log(
    `installing ${packages.join(" ")} with apt-get (this can take a minute)...`,
  );
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const update = await run("apt-get", ["update", "-qq"], { env });
  if (update.code !== 0) {
    throw new Error(
      `apt-get update failed (exit ${update.code}):\n${tail(update.stdout + update.stderr, 30)}`,
    );
  }
  const install = await run("apt-get", ["install", "-y", "-qq", ...options, ...packages], {
    env,
  });
  if (install.code !== 0) {
    throw new Error(
      `apt-get install ${packages.join(" ")} failed (exit ${install.code}):\n${tail(install.stdout + install.stderr, 30)}`,
    );
  }
  log(`installed ${packages.join(" ")}`);
}

// ---------------------------------------------------------------------------
// Starting PostgreSQL

function readConfPort(confFile) {
  try {
    const m = fs
      .readFileSync(confFile, "utf8")
      .match(/^\s*port\s*=\s*'?(\d+)/m);
    return m ? Number(m[1]) : 5432;
  } catch {
    return null;
  }
}

/** Debian system clusters "<ver>/main" configured for `port` that we are allowed to control. */
function systemClusters(port) {
  if (!fs.existsSync("/etc/postgresql")) return [];
  const pgCtlCluster =
    which("pg_ctlcluster") || ["/usr/bin/pg_ctlcluster"].find(isExecutable);
  if (!pgCtlCluster) return [];
  return fs
    .readdirSync("/etc/postgresql")
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => parseFloat(b) - parseFloat(a))
    .filter((v) => fs.existsSync(`/etc/postgresql/${v}/main/postgresql.conf`))
    .filter(
      (v) => readConfPort(`/etc/postgresql/${v}/main/postgresql.conf`) === port,
    )
    .filter(
      (v) =>
        isRoot() ||
        fs.statSync(`/etc/postgresql/${v}/main`).uid === process.getuid?.(),
    )
    .map((v) => ({ version: v, pgCtlCluster }));
}

function projectPaths(cwd) {
  const dataRoot = path.resolve(cwd, ".data");
  let sockDir = path.join(dataRoot, "postgres-sock");
  // Unix socket paths are limited to ~107 bytes; fall back to a short tmp dir for deep checkouts.
  if (Buffer.byteLength(path.join(sockDir, ".s.PGSQL.65535.lock")) > 100) {
    sockDir = path.join(
      os.tmpdir(),
      `rampart-pg-${Buffer.from(cwd).toString("hex").slice(-12)}`,
    );
  }
  return {
    dataRoot,
    pgData: path.join(dataRoot, "postgres"),
    pgSock: sockDir,
    pgLog: path.join(dataRoot, "postgres.log"),
    redisDir: path.join(dataRoot, "redis"),
  };
}

function pgServerInstalled() {
  return Boolean(findPgBinary("initdb") && findPgBinary("pg_ctl"));
}

async function startPostgres(pg, { cwd, log }) {
  // 1. The system cluster, if one is configured for this port.
  for (const { version, pgCtlCluster } of systemClusters(pg.port)) {
    log(`postgres: starting system cluster ${version}/main (pg_ctlcluster)...`);
    const res = await run(
      pgCtlCluster,
      ["--skip-systemctl-redirect", version, "main", "start"],
      { timeoutMs: 60_000 },
    );
    const out = (res.stdout + res.stderr).trim();
    if (res.code === 0 || /already running/i.test(out))
      return { how: `system cluster ${version}/main` };
    log(
      `postgres: pg_ctlcluster ${version} main start failed (exit ${res.code}); trying a project-local instance\n${tail(out)}`,
    );
  }

  // 2. A project-local instance in .data/postgres.
  const p = projectPaths(cwd);
  const versionFile = path.join(p.pgData, "PG_VERSION");
  const existingMajor = fs.existsSync(versionFile)
    ? fs.readFileSync(versionFile, "utf8").trim()
    : null;
  const initdb = findPgBinary("initdb", { major: existingMajor });
  const pgCtl = findPgBinary("pg_ctl", { major: existingMajor });
  if (!pgCtl || (!existingMajor && !initdb)) {
    throw new Error(
      `PostgreSQL server binaries (initdb/pg_ctl) not found. ${INSTALL_HINT.postgres}`,
    );
  }

  fs.mkdirSync(p.dataRoot, { recursive: true });
  fs.mkdirSync(p.pgSock, { recursive: true });
  if (!existingMajor) fs.mkdirSync(p.pgData, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(p.pgLog)) fs.writeFileSync(p.pgLog, "");
  if (isRoot()) {
    // initdb and postgres refuse to run as root: hand the files to the postgres user.
    const chown = await run("chown", [
      "-R",
      "postgres:postgres",
      p.pgData,
      p.pgSock,
      p.pgLog,
    ]);
    if (chown.code !== 0) {
      throw new Error(
        `running as root, but could not give ${p.pgData} to the "postgres" user (${tail(chown.stderr, 3)}). ` +
          `Create that user (installing the postgresql package does) or run this script as a normal user.`,
      );
    }
    const access = await runAsPostgres("test", [
      "-w",
      p.pgData,
      "-a",
      "-x",
      p.pgData,
    ]);
    if (access.code !== 0) {
      throw new Error(
        `the "postgres" user cannot reach ${p.pgData}; make its parent directories world-executable (chmod o+x) or run as a normal user.`,
      );
    }
  }

  if (!existingMajor) {
    log(
      `postgres: initializing a project-local cluster in ${path.relative(cwd, p.pgData) || p.pgData} (initdb)...`,
    );
    const res = await runAsPostgres(
      initdb,
      [
        "-D",
        p.pgData,
        "-U",
        "postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--no-locale",
      ],
      {
        timeoutMs: 120_000,
      },
    );
    if (res.code !== 0) {
      throw new Error(
        `initdb failed (exit ${res.code}):\n${tail(res.stdout + res.stderr)}`,
      );
    }
  }

  log(
    `postgres: starting project-local instance on port ${pg.port} (pg_ctl)...`,
  );
  const res = await runAsPostgres(
    pgCtl,
    [
      "-D",
      p.pgData,
      "-o",
      `-p ${pg.port} -k ${shQuote(p.pgSock)}`,
      "-l",
      p.pgLog,
      "-w",
      "-t",
      String(WAIT_MS / 1000),
      "start",
    ],
    { timeoutMs: WAIT_MS + 15_000 },
  );
  if (res.code !== 0) {
    throw new Error(
      `pg_ctl start failed (exit ${res.code}):\n${tail(res.stdout + res.stderr, 5)}\n--- ${p.pgLog} ---\n${readTail(p.pgLog)}`,
    );
  }
  const stopCmd = `${isRoot() ? "runuser -u postgres -- " : ""}${pgCtl} -D ${path.relative(cwd, p.pgData) || p.pgData} stop`;
  return {
    how: `project-local instance in ${path.relative(cwd, p.pgData)} (stop with: ${stopCmd})`,
  };
}

// ---------------------------------------------------------------------------
// Starting Redis

async function startRedis(r, { cwd, log }) {
  const redisServer = findRedisServer();
  if (!redisServer)
    throw new Error(`redis-server not found. ${INSTALL_HINT.redis}`);
  const p = projectPaths(cwd);
  fs.mkdirSync(p.redisDir, { recursive: true });

  const ver = await run(redisServer, ["--version"], { timeoutMs: 10_000 });
  const major = Number((ver.stdout.match(/v=(\d+)/) || [])[1] || 0);
  // "-::1" (optional address) needs Redis 7; older versions would fail without IPv6.
  const bind =
    r.host === "::1"
      ? ["::1"]
      : major >= 7
        ? ["127.0.0.1", "-::1"]
        : ["127.0.0.1"];

  const logFile = path.join(p.redisDir, "redis.log");
  const args = [
    "--daemonize",
    "yes",
    "--bind",
    ...bind,
    "--port",
    String(r.port),
    "--dir",
    p.redisDir,
    "--pidfile",
    path.join(p.redisDir, `redis-${r.port}.pid`),
    "--logfile",
    logFile,
    "--save",
    "",
    "--appendonly",
    "no",
    "--maxmemory-policy",
    "noeviction",
  ];
  if (r.password && (!r.username || r.username === "default"))
    args.push("--requirepass", r.password);

  log(
    `redis: starting redis-server on port ${r.port} (data in ${path.relative(cwd, p.redisDir)})...`,
  );
  const res = await run(redisServer, args, { timeoutMs: 30_000 });
  if (res.code !== 0) {
    throw new Error(
      `redis-server failed to start (exit ${res.code}):\n${tail(res.stdout + res.stderr)}\n--- ${logFile} ---\n${readTail(logFile)}`,
    );
  }
  return {
    how: `redis-server with dir ${path.relative(cwd, p.redisDir)} (stop with: redis-cli -p ${r.port} shutdown nosave)`,
    logFile,
  };
}

/** BullMQ needs maxmemory-policy=noeviction. */
async function ensureNoEviction(r, { log, local }) {
  const auth = authCommands(r);
  const get = await redisCommands(r, [
    ...auth,
    ["CONFIG", "GET", "maxmemory-policy"],
  ]);
  const reply = get[get.length - 1];
  if (reply?.error) {
    const msg = `redis: cannot read maxmemory-policy (${reply.error}); BullMQ requires maxmemory-policy=noeviction -- set it in the server configuration.`;
    if (local) throw new Error(msg);
    log(`WARNING ${msg}`);
    return "unknown";
  }
  const policy = Array.isArray(reply) ? reply[1] : undefined;
  if (policy === "noeviction") return policy;
  const set = await redisCommands(r, [
    ...auth,
    ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
  ]);
  const setReply = set[set.length - 1];
  if (setReply?.error) {
    const msg = `redis: maxmemory-policy is "${policy}" and CONFIG SET failed (${setReply.error}); BullMQ requires noeviction -- set it in the server configuration.`;
    if (local) throw new Error(msg);
    log(`WARNING ${msg}`);
    return policy;
  }
  log(
    `redis: maxmemory-policy was "${policy}"; set it to "noeviction" (required by BullMQ)`,
  );
  return "noeviction";
}

// ---------------------------------------------------------------------------
// Public API

/**
 * Make sure PostgreSQL and Redis are reachable, starting (and if needed installing) local ones.
 * Resolves with a status object; rejects with an Error whose message says what is wrong.
 */
/**
 * The end-to-end tests drive Debian's Chromium (Playwright's own browser
 * download cannot reach its host here). Installs it with apt-get when it is
 * missing and we may; otherwise stops with what to install.
 */
export async function ensureChromium({ path: chromium = "/usr/bin/chromium", log = console.log } = {}) {
  if (isExecutable(chromium)) return chromium;
  if (isRoot() && isDebian() && which("apt-get")) {
    await aptInstall(["chromium"], log, ["--no-install-recommends"]);
    if (isExecutable(chromium)) return chromium;
  }
  throw new Error(
    `Chromium is not installed at ${chromium}. Install it (\`sudo apt-get install -y chromium\` on Debian/Ubuntu) ` +
      "or set CHROMIUM_PATH to a Chromium or Chrome binary.",
  );
}

/** promtool (Debian package "prometheus"): the integration tests check the /metrics output with it. */
export async function ensurePromtool({ log = console.log } = {}) {
  const found = which("promtool");
  if (found) return found;
  if (isRoot() && isDebian() && which("apt-get")) {
    await aptInstall(["prometheus"], log, ["--no-install-recommends"]);
    const installed = which("promtool");
    if (installed) return installed;
  }
  throw new Error(
    "promtool is not installed. Install it (`sudo apt-get install -y --no-install-recommends prometheus` on Debian/Ubuntu) " +
      "or put a promtool binary on PATH.",
  );
}

export async function ensureServices({
  databaseUrl,
  redisUrl,
  log = console.log,
  cwd = process.cwd(),
} = {}) {
  if (typeof log !== "function") log = () => {};
  if (!databaseUrl || !redisUrl) loadDotEnv(cwd);
  databaseUrl ||= process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  redisUrl ||= process.env.REDIS_URL || DEFAULT_REDIS_URL;

  const pg = parseDatabaseUrl(databaseUrl);
  const rd = parseRedisUrl(redisUrl);
  const pgAddr = fmtAddr(pg.host, pg.port);
  const rdAddr = fmtAddr(rd.host, rd.port);
  const pgLocal = isLocalHost(pg.host);
  const rdLocal = isLocalHost(rd.host) && !rd.tls;

  const status = {
    postgres: { address: pgAddr, url: databaseUrl, state: "unknown" },
    redis: { address: rdAddr, url: redisUrl, state: "unknown" },
  };
  const errors = [];

  // Phase 1: what is already up? (A server that is starting up gets a chance to finish.)
  let [pgCheck, rdCheck] = await Promise.all([
    checkPostgres(pg),
    checkRedis(rd),
  ]);
  if (pgCheck.state === "starting")
    pgCheck = await waitUntilUp(() => checkPostgres(pg));
  if (rdCheck.state === "starting")
    rdCheck = await waitUntilUp(() => checkRedis(rd));

  const pgNeedsStart = pgCheck.state === "down" && pgLocal;
  const rdNeedsStart = rdCheck.state === "down" && rdLocal;
  if (pgCheck.state === "down" && !pgLocal) {
    errors.push(
      `PostgreSQL is not reachable at ${pgAddr} (${pgCheck.detail}); it is not a local host, so nothing was started.`,
    );
  }
  if (rdCheck.state === "down" && !rdLocal) {
    errors.push(
      `Redis is not reachable at ${rdAddr} (${rdCheck.detail}); it is not a local host, so nothing was started.`,
    );
  }
  if (rdCheck.state === "auth")
    errors.push(
      `Redis at ${rdAddr} rejected the credentials in REDIS_URL: ${rdCheck.detail}`,
    );

  // Phase 2: install what is missing (one apt-get run for both).
  let pgMissing = pgNeedsStart && !pgServerInstalled();
  let rdMissing = rdNeedsStart && !findRedisServer();
  if (pgMissing || rdMissing) {
    const packages = [
      ...(pgMissing ? ["postgresql"] : []),
      ...(rdMissing ? ["redis-server"] : []),
    ];
    if (isRoot() && isDebian() && which("apt-get")) {
      try {
        await aptInstall(packages, log);
      } catch (err) {
        errors.push(err.message);
      }
      pgMissing = pgMissing && !pgServerInstalled();
      rdMissing = rdMissing && !findRedisServer();
    }
    if (pgMissing)
      errors.push(
        `PostgreSQL is not reachable at ${pgAddr} and is not installed. ${INSTALL_HINT.postgres}`,
      );
    if (rdMissing)
      errors.push(
        `Redis is not reachable at ${rdAddr} and is not installed. ${INSTALL_HINT.redis}`,
      );
  }

  // Phase 3: start and wait.
  const startOne = async (
    name,
    initial,
    needsStart,
    missing,
    check,
    start,
    addr,
  ) => {
    if (!needsStart || missing) return initial;
    // The package's own init script may have started it during installation.
    const again = await check();
    if (again.state === "up") return again;
    try {
      const started = await start();
      status[name].how = started.how;
    } catch (err) {
      errors.push(
        `${name === "postgres" ? "PostgreSQL" : "Redis"} at ${addr} could not be started: ${err.message}`,
      );
      return { state: "down", detail: "start failed" };
    }
    const result = await waitUntilUp(check);
    if (result.state === "up") status[name].started = true;
    else
      errors.push(
        `${name === "postgres" ? "PostgreSQL" : "Redis"} was started but did not accept connections at ${addr} within ${WAIT_MS / 1000}s (${result.detail ?? ""}).`,
      );
    return result;
  };
  const pgFinal = await startOne(
    "postgres",
    pgCheck,
    pgNeedsStart,
    pgMissing,
    () => checkPostgres(pg),
    () => startPostgres(pg, { cwd, log }),
    pgAddr,
  );
  const rdFinal = await startOne(
    "redis",
    rdCheck,
    rdNeedsStart,
    rdMissing,
    () => checkRedis(rd),
    () => startRedis(rd, { cwd, log }),
    rdAddr,
  );
  status.postgres.state = pgFinal.state;
  status.redis.state = rdFinal.state;

  // Phase 4: Redis configuration required by BullMQ.
  if (rdFinal.state === "up") {
    try {
      status.redis.maxmemoryPolicy = await ensureNoEviction(rd, {
        log,
        local: rdLocal,
      });
    } catch (err) {
      errors.push(err.message);
    }
  }

  const line = (label, s) =>
    `${label.padEnd(9)} ${s.address.padEnd(16)} ${s.state === "up" ? "OK" : s.state === "auth" ? "AUTH FAILED" : "DOWN"}` +
    (s.state === "up"
      ? s.started
        ? ` (started: ${s.how})`
        : " (already running)"
      : "") +
    (s.maxmemoryPolicy ? ` maxmemory-policy=${s.maxmemoryPolicy}` : "");
  log(line("postgres", status.postgres));
  log(line("redis", status.redis));

  if (!errors.length && (pgFinal.state !== "up" || rdFinal.state !== "up")) {
    errors.push(
      `services not ready: postgres ${pgFinal.state}, redis ${rdFinal.state}`,
    );
  }
  if (errors.length) {
    const err = new Error(errors.join("\n"));
    err.status = status;
    throw err;
  }
  return status;
}

const quoteIdent = (s) => `"${String(s).replace(/"/g, '""')}"`;
const quoteLiteral = (s) => `'${String(s).replace(/'/g, "''")}'`;

/**
 * Create the database named in `databaseUrl` if it does not exist; with `recreate`, drop it first
 * (terminating other connections). Uses psql, so it works before `npm install`.
 * Resolves { database, created, recreated }.
 */
export async function ensureDatabase(
  databaseUrl,
  { recreate = false, log = () => {} } = {},
) {
  if (!databaseUrl) {
    loadDotEnv();
    databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  }
  const pg = parseDatabaseUrl(databaseUrl);
  const db = pg.database;
  if (!db) throw new Error(`DATABASE_URL has no database name: ${databaseUrl}`);
  if (recreate && ["postgres", "template0", "template1"].includes(db)) {
    throw new Error(`refusing to drop the "${db}" database`);
  }
  const psql = findPgBinary("psql");
  if (!psql) throw new Error(`psql not found. ${INSTALL_HINT.postgres}`);

  const env = { PGCONNECT_TIMEOUT: "10" };
  if (pg.password) env.PGPASSWORD = pg.password;
  if (pg.sslmode) env.PGSSLMODE = pg.sslmode;
  const psqlArgs = (user) => [
    "-X",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    "-tA",
    "-h",
    pg.socketHost || pg.host,
    "-p",
    String(pg.port),
    ...(user ? ["-U", user] : []),
    "-d",
    "postgres",
  ];
  const sql = async (query) => {
    const res = await run(psql, [...psqlArgs(pg.user), "-c", query], {
      env,
      timeoutMs: 60_000,
    });
    if (res.code !== 0)
      throw new Error(
        `psql failed (${fmtAddr(pg.host, pg.port)}): ${tail(res.stderr || res.stdout, 5)}\n  query: ${query}`,
      );
    return res.stdout.trim();
  };

  const exists =
    (await sql(
      `SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(db)}`,
    )) === "1";
  let recreated = false;
  if (exists && recreate) {
    const version = Number(await sql("SHOW server_version_num"));
    await sql(
      `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ${quoteLiteral(db)} AND pid <> pg_backend_pid()`,
    );
    await sql(
      `DROP DATABASE IF EXISTS ${quoteIdent(db)}${version >= 130000 ? " WITH (FORCE)" : ""}`,
    );
    recreated = true;
    log(`postgres: dropped database "${db}"`);
  }
  if (!exists || recreated) {
    await sql(`CREATE DATABASE ${quoteIdent(db)}`);
    log(`postgres: created database "${db}"`);
  } else {
    log(`postgres: database "${db}" exists`);
  }
  return { database: db, created: !exists || recreated, recreated };
}

// ---------------------------------------------------------------------------
// CLI

async function main(argv) {
  if (argv.includes("-h") || argv.includes("--help")) {
    console.log(
      "usage: node scripts/services.mjs [--ensure-db | --recreate-db] [--quiet]",
    );
    return 0;
  }
  const quiet = argv.includes("--quiet") || argv.includes("-q");
  const log = quiet ? () => {} : (msg) => console.log(msg);
  try {
    loadDotEnv();
    const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
    const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
    await ensureServices({ databaseUrl, redisUrl, log });
    if (argv.includes("--ensure-db") || argv.includes("--recreate-db")) {
      await ensureDatabase(databaseUrl, {
        recreate: argv.includes("--recreate-db"),
        log,
      });
    }
    return 0;
  } catch (err) {
    console.error(`\nservices: ${err.message}`);
    return 1;
  }
}

const invokedDirectly =
  process.argv[1] &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
