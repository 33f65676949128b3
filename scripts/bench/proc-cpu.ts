// CPU time of this machine's processes by role, read from /proc (Linux): what
// a phase cost in CPU per event. On a VM whose speed drifts within minutes a
// phase's rate moves with the machine; its CPU per event moves much less, and
// says which process a change made cheaper. Where /proc is not there (another
// OS, or the app on another host) the figures are null.
import { readdirSync, readFileSync } from "node:fs";

export const CPU_GROUPS = ["web", "worker", "postgres", "redis", "loadGenerator", "other"] as const;
export type CpuGroup = (typeof CPU_GROUPS)[number];
export type CpuSample = { ticks: Record<CpuGroup, number>; busyTicks: number };

/** /proc reports CPU time in USER_HZ ticks, 100 per second on Linux whatever the kernel's own HZ. */
const TICKS_PER_SECOND = 100;

/** The role of a process, from its command line (NUL-separated, as /proc gives it). */
export function groupOf(cmdline: string, pid: number, self: number): CpuGroup {
  if (pid === self) return "loadGenerator";
  const cmd = cmdline.replace(/\0/g, " ");
  if (/\bdist\/server\.mjs\b|\bnext-server\b|\bnext (start|dev)\b/.test(cmd)) return "web";
  if (/\bdist\/worker\.mjs\b|\bworkers\/main\.ts\b/.test(cmd)) return "worker";
  if (/(^|\/)postgres(\s|:|$)|^postgres:/.test(cmd)) return "postgres";
  if (/(^|\/)redis-server\b/.test(cmd)) return "redis";
  return "other";
}

/**
 * utime + stime of a /proc/<pid>/stat line, plus the reaped children's
 * (cutime + cstime) when asked: Postgres's postmaster collects the time of
 * every backend that has exited (a pool's connection closed mid-run).
 */
export function ticksOf(stat: string, withChildren: boolean): number {
  // Fields after the command name, which is in parentheses and may hold spaces.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const own = Number(f[11]) + Number(f[12]);
  return withChildren ? own + Number(f[13]) + Number(f[14]) : own;
}

/** Busy ticks of the whole machine, from /proc/stat's first line (user, nice, system, irq, softirq). */
export function busyTicksOf(procStat: string): number {
  const v = procStat.split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return v[0]! + v[1]! + v[2]! + v[5]! + v[6]!;
}

export function sampleCpu(): CpuSample | null {
  let pids: string[];
  let busyTicks: number;
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
    busyTicks = busyTicksOf(readFileSync("/proc/stat", "utf8"));
  } catch {
    return null;
  }
  const ticks = Object.fromEntries(CPU_GROUPS.map((g) => [g, 0])) as Record<CpuGroup, number>;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // An exiting process (a pool's backend after pool.end()) has no command line left: its name says what it was,
      // and its time must stay in its group until its parent reaps it into its own (the postmaster's children's time).
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8") || stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const group = groupOf(cmdline, Number(pid), process.pid);
      ticks[group] += ticksOf(stat, group === "postgres");
    } catch {
      // Gone between the listing and the read.
    }
  }
  return { ticks, busyTicks };
}

export type CpuPerEvent = Record<CpuGroup | "busy", number>;

/**
 * Microseconds of CPU per event between two samples, per role and for the
 * whole machine ("busy", which also holds the kernel's own work and whatever
 * else runs). Several windows (rounds) may be added up first with addSamples.
 */
export function cpuPerEvent(spent: CpuSample | null, events: number): CpuPerEvent | null {
  if (!spent || events <= 0) return null;
  const us = (ticks: number) => Math.round((ticks * (1_000_000 / TICKS_PER_SECOND)) / events);
  return { ...(Object.fromEntries(CPU_GROUPS.map((g) => [g, us(spent.ticks[g])])) as Record<CpuGroup, number>), busy: us(spent.busyTicks) };
}

/**
 * b − a. A process that ended in between takes its time with it, except a
 * Postgres backend, whose time the postmaster keeps once it has reaped it: a
 * group can come out low that way, never below zero.
 */
export function cpuBetween(a: CpuSample | null, b: CpuSample | null): CpuSample | null {
  if (!a || !b) return null;
  const ticks = Object.fromEntries(CPU_GROUPS.map((g) => [g, Math.max(0, b.ticks[g] - a.ticks[g])])) as Record<CpuGroup, number>;
  return { ticks, busyTicks: b.busyTicks - a.busyTicks };
}

export function addSamples(samples: (CpuSample | null)[]): CpuSample | null {
  if (samples.length === 0 || samples.some((s) => s === null)) return null;
  const ticks = Object.fromEntries(CPU_GROUPS.map((g) => [g, samples.reduce((n, s) => n + s!.ticks[g], 0)])) as Record<CpuGroup, number>;
  return { ticks, busyTicks: samples.reduce((n, s) => n + s!.busyTicks, 0) };
}
