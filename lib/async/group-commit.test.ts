import { describe, expect, it } from "vitest";
import { groupCommit } from "@/lib/async/group-commit";

/** A run whose calls finish only when the test says so. */
function controlledRun() {
  const calls: { items: number[]; finish: (err?: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ items, finish: (err) => (err ? reject(err) : resolve()) });
    });
  return { calls, run };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("groupCommit", () => {
  it("runs an item at once when nothing is in flight, and groups the ones that arrive meanwhile", async () => {
    const { calls, run } = controlledRun();
    const commit = groupCommit(run);
    const settled: number[] = [];
    const first = commit(1).then(() => settled.push(1));
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => commit(n).then(() => settled.push(n)));
    await tick();
    expect(calls).toHaveLength(1); // 2-4 wait for the call in flight
    calls[0]!.finish();
    await first;
    await tick();
    expect(settled).toEqual([1]); // 2-4 settle with their own call, not with 1's
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1]!.finish();
    await Promise.all(rest);
    expect(settled).toEqual([1, 2, 3, 4]);
  });

  it("fails every item of a failed call, and only those", async () => {
    const { calls, run } = controlledRun();
    const commit = groupCommit(run, { maxItems: 2 });
    const a = commit(1);
    await tick();
    const [b, c, d] = [2, 3, 4].map((n) => commit(n));
    calls[0]!.finish(new Error("deadlock"));
    await expect(a).rejects.toThrow("deadlock");
    await tick();
    expect(calls[1]!.items).toEqual([2, 3]); // at most maxItems per call
    calls[1]!.finish(new Error("gone"));
    await expect(b).rejects.toThrow("gone");
    await expect(c).rejects.toThrow("gone");
    await tick();
    expect(calls[2]!.items).toEqual([4]);
    calls[2]!.finish();
    await expect(d).resolves.toBeUndefined();
    // Idle again: the next item goes at once.
    const e = commit(5);
    await tick();
    expect(calls[3]!.items).toEqual([5]);
    calls[3]!.finish();
    await e;
  });
});
