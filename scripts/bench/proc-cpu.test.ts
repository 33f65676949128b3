import { describe, expect, it } from "vitest";
import { addSamples, busyTicksOf, cpuBetween, cpuPerEvent, groupOf, sampleCpu, ticksOf, type CpuSample } from "./proc-cpu";

const nul = (...args: string[]) => args.join("\0") + "\0";

describe("CPU per event from /proc", () => {
  it("tells each process's role from its command line", () => {
    expect(groupOf(nul("/usr/bin/node", "--enable-source-maps", "--max-semi-space-size=32", "dist/server.mjs"), 10, 1)).toBe("web");
    expect(groupOf(nul("node", "/app/node_modules/.bin/next", "start"), 10, 1)).toBe("web");
    expect(groupOf(nul("next-server (v16.0.0)"), 10, 1)).toBe("web");
    expect(groupOf(nul("/usr/bin/node", "--enable-source-maps", "dist/worker.mjs"), 11, 1)).toBe("worker");
    expect(groupOf(nul("/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/15/main"), 12, 1)).toBe("postgres");
    expect(groupOf("postgres: 15/main: postgres rampart 127.0.0.1(40312) idle\0", 13, 1)).toBe("postgres");
    expect(groupOf(nul("redis-server 127.0.0.1:6379"), 14, 1)).toBe("redis");
    // An exiting backend: no command line, only its name from /proc/<pid>/stat.
    expect(groupOf("postgres", 18, 1)).toBe("postgres");
    expect(groupOf(nul("/usr/bin/node", "dist/server.mjs"), 15, 15)).toBe("loadGenerator");
    expect(groupOf(nul("bash", "-c", "psql -c 'select 1'"), 16, 1)).toBe("other");
    expect(groupOf(nul("/usr/bin/node", "scripts/my-postgres-tool.mjs"), 17, 1)).toBe("other");
  });

  it("reads a process's ticks even when its name holds spaces and parentheses, the postmaster's with its reaped backends", () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    const stat = "4242 (odd (name) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 120 30 900 100 20 0 1 0 77 0 0";
    expect(ticksOf(stat, false)).toBe(150);
    expect(ticksOf(stat, true)).toBe(1150);
  });

  it("adds up the machine's busy ticks without idle and iowait", () => {
    expect(busyTicksOf("cpu  100 5 40 9000 300 2 3 0 0 0\ncpu0 50 2 20 4500 150 1 1 0 0 0\n")).toBe(150);
  });

  it("turns ticks between samples into microseconds per event, over several rounds", () => {
    const at = (web: number, postgres: number, busy: number): CpuSample => ({
      ticks: { web, worker: 1, postgres, redis: 0, loadGenerator: 0, other: 0 },
      busyTicks: busy,
    });
    const round1 = cpuBetween(at(100, 200, 1000), at(150, 300, 1200));
    const round2 = cpuBetween(at(150, 300, 1200), at(170, 330, 1260));
    // 70 ticks of web = 0.7 s over 10,000 events = 70 µs each.
    expect(cpuPerEvent(addSamples([round1, round2]), 10_000)).toEqual({ web: 70, worker: 0, postgres: 130, redis: 0, loadGenerator: 0, other: 0, busy: 260 });
    expect(cpuPerEvent(addSamples([round1, null]), 10_000)).toBeNull();
    expect(cpuPerEvent(round1, 0)).toBeNull();
  });

  it("samples this machine, counting this process's own work as the load generator's", () => {
    const before = sampleCpu();
    expect(before).not.toBeNull();
    // 300 ms of this process's own CPU (not of the clock: on a busy machine it may wait for a core).
    const start = process.cpuUsage();
    let x = 0;
    for (let used = 0; used < 300_000; ) {
      for (let i = 0; i < 100_000; i++) x += Math.sqrt(x + 1);
      const u = process.cpuUsage(start);
      used = u.user + u.system;
    }
    expect(x).toBeGreaterThan(0);
    const spent = cpuBetween(before, sampleCpu())!;
    // 300 ms is 30 ticks; at least 15 whatever the tick boundaries and rounding.
    expect(spent.ticks.loadGenerator).toBeGreaterThanOrEqual(15);
    // The machine's ticks are counted per CPU at each tick, a process's from its run time: the two may
    // differ by a tick or two over the same window (CI saw 30 against 31).
    expect(spent.busyTicks).toBeGreaterThanOrEqual(spent.ticks.loadGenerator - 3);
  });
});
