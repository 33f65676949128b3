// A group commit for work that is cheaper done for many items at once (one
// statement, one round trip) than for each: while a call is in flight, the
// items that arrive wait and then go together in the next call. An item that
// arrives when nothing is in flight goes at once, so nothing waits unless the
// work is busy anyway. Each item's promise settles with the call it was part of.

export type GroupCommit<T> = (item: T) => Promise<void>;

export function groupCommit<T>(run: (items: T[]) => Promise<void>, opts: { maxItems?: number } = {}): GroupCommit<T> {
  const maxItems = opts.maxItems ?? 1_000;
  const waiting: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let inFlight = false;

  async function drain(): Promise<void> {
    inFlight = true;
    try {
      while (waiting.length > 0) {
        const group = waiting.splice(0, maxItems);
        try {
          await run(group.map((w) => w.item));
          for (const w of group) w.resolve();
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      inFlight = false;
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!inFlight) void drain();
    });
}
