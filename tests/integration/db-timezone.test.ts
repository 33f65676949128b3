// Dates passed to the raw pg pool mean the same instant whatever the
// process's time zone: the columns hold UTC, and a process running with
// TZ=Pacific/Kiritimati (UTC+14) must bound queries by the same instants.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the pg pool's dates", () => {
  it("are UTC instants in a process far from UTC", () => {
    const script = `
      import { pgPool, disconnectDb } from "@/lib/db";
      const at = new Date(Date.UTC(2026, 11, 2, 6, 0, 0));
      const { rows } = await pgPool().query("SELECT $1::timestamp AS naive, to_char($1::timestamp, 'YYYY-MM-DD HH24:MI') AS text", [at]);
      console.log(JSON.stringify({ text: rows[0].text, roundTrip: rows[0].naive.toISOString() }));
      await disconnectDb();`;
    const out = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "--input-type=module", "-e", script], {
      env: { ...process.env, TZ: "Pacific/Kiritimati" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout.trim().split("\n").at(-1)!)).toEqual({ text: "2026-12-02 06:00", roundTrip: "2026-12-02T06:00:00.000Z" });
  });
});
