// Throwaway Postgres and Redis for the reliability drill: a cluster made with
// initdb in a temporary folder (port 5440) and a redis-server without
// persistence (port 6390), so that the drill may stop, kill and flush them
// without touching the machine's own services on 5432 and 6379, which other
// people and other tests use. Everything is removed at the end; a run that
// was itself killed leaves a note that the next run reads to clean up.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const PG_PORT = 5440;
export const REDIS_PORT = 6390;
const NOTE = path.join(os.tmpdir(), "rampart-reliability-instances.json");

const isRoot = () => process.getuid?.() === 0;

function pgBin(name: string): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const p = path.join(root, v, "bin", name);
    if (existsSync(p)) return p;
  }
  throw new Error(`PostgreSQL's ${name} was not found under ${root}/*/bin (apt-get install postgresql)`);
}

/** Runs a PostgreSQL server binary as the postgres OS user when we are root (initdb and postgres refuse root). */
function asPostgres(cmd: string, args: string[], timeoutMs = 60_000) {
  const [file, argv] = isRoot() ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { cwd: "/", encoding: "utf8", timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args[0] ?? ""} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || "").trim().slice(-800)}`);
  return r.stdout;
}

export function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
    s.setTimeout(1_000, () => (s.destroy(), resolve(false)));
  });
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not ready within ${timeoutMs / 1000} s`);
}

type Note = { dir: string; pgData: string; redisPid?: number };

/** Stops what a killed earlier run left behind (only instances it recorded itself). */
export function cleanUpLeftovers(log: (m: string) => void): void {
  if (!existsSync(NOTE)) return;
  let note: Note;
  try {
    note = JSON.parse(readFileSync(NOTE, "utf8")) as Note;
  } catch {
    rmSync(NOTE, { force: true });
    return;
  }
  log(`cleaning up instances left by an earlier run (${note.dir})`);
  if (existsSync(path.join(note.pgData, "postmaster.pid"))) {
    try {
      asPostgres(pgBin("pg_ctl"), ["stop", "-D", note.pgData, "-m", "immediate", "-w"]);
    } catch {
      /* already gone */
    }
  }
  if (note.redisPid) {
    try {
      const cmdline = readFileSync(`/proc/${note.redisPid}/cmdline`, "utf8");
      if (cmdline.includes("redis-server") && cmdline.includes(String(REDIS_PORT))) process.kill(note.redisPid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  rmSync(note.dir, { recursive: true, force: true });
  rmSync(NOTE, { force: true });
}

export class PrivateInstances {
  readonly dir: string;
  readonly pgData: string;
  private redis: ChildProcess | null = null;
  readonly databaseUrl = `postgresql://postgres@127.0.0.1:${PG_PORT}/rampart`;
  readonly redisUrl = `redis://127.0.0.1:${REDIS_PORT}`;

  constructor() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), "rampart-reliability-"));
    // The postgres user must reach its data directory inside our temp folder.
    chmodSync(this.dir, 0o755);
    this.pgData = path.join(this.dir, "pg");
  }

  get exportDir() {
    return path.join(this.dir, "exports");
  }

  private writeNote() {
    writeFileSync(NOTE, JSON.stringify({ dir: this.dir, pgData: this.pgData, redisPid: this.redis?.pid } satisfies Note));
  }

  async start(): Promise<void> {
    this.writeNote();
    for (const port of [PG_PORT, REDIS_PORT]) {
      if (await portOpen(port)) throw new Error(`port ${port} is taken: the drill needs it for its private instance (is another reliability run going?)`);
    }
    if (isRoot()) spawnSync("install", ["-d", "-o", "postgres", "-g", "postgres", "-m", "700", this.pgData]);
    asPostgres(pgBin("initdb"), ["-D", this.pgData, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
    // Room for the web, the worker, the export processes and the drill's own checks.
    writeFileSync(
      path.join(this.pgData, "postgresql.auto.conf"),
      ["max_connections = 200", "fsync = off", "synchronous_commit = off", "full_page_writes = off", "shared_buffers = 128MB", ""].join("\n"),
    );
    if (isRoot()) spawnSync("chown", ["postgres:postgres", path.join(this.pgData, "postgresql.auto.conf")]);
    await this.startPostgres();
    const psql = spawnSync(pgBin("psql"), ["-h", "127.0.0.1", "-p", String(PG_PORT), "-U", "postgres", "-d", "postgres", "-qc", "CREATE DATABASE rampart"], {
      encoding: "utf8",
    });
    if (psql.status !== 0) throw new Error(`could not create the database: ${psql.stderr}`);
    await this.startRedis();
  }

  async startPostgres(): Promise<void> {
    asPostgres(pgBin("pg_ctl"), [
      "start",
      "-D",
      this.pgData,
      "-w",
      "-l",
      path.join(this.pgData, "server.log"),
      "-o",
      `-p ${PG_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.pgData}`,
    ]);
    await waitFor("postgres", () => portOpen(PG_PORT));
  }

  /** A clean, fast shutdown: open connections are terminated (57P01), new ones refused. */
  stopPostgres(): void {
    asPostgres(pgBin("pg_ctl"), ["stop", "-D", this.pgData, "-m", "fast", "-w"]);
  }

  async startRedis(): Promise<void> {
    this.redis = spawn(
      "redis-server",
      ["--port", String(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir, "--maxmemory-policy", "noeviction", "--loglevel", "warning"],
      { stdio: "ignore" },
    );
    this.writeNote();
    await waitFor("redis", () => portOpen(REDIS_PORT));
  }

  /** Kills Redis outright; with no persistence it comes back empty. */
  async killRedis(): Promise<void> {
    const r = this.redis;
    this.redis = null;
    if (!r || r.exitCode !== null) return;
    const exited = new Promise((resolve) => r.once("exit", resolve));
    r.kill("SIGKILL");
    await exited;
  }

  /** Stops both; the folder (data, logs, exports) goes too unless `keepFiles`. */
  async stop({ keepFiles = false } = {}): Promise<void> {
    await this.killRedis().catch(() => undefined);
    if (existsSync(path.join(this.pgData, "postmaster.pid"))) {
      try {
        asPostgres(pgBin("pg_ctl"), ["stop", "-D", this.pgData, "-m", "immediate", "-w"]);
      } catch {
        /* already stopped */
      }
    }
    if (!keepFiles) rmSync(this.dir, { recursive: true, force: true });
    rmSync(NOTE, { force: true });
  }
}
