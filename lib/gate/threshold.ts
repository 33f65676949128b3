// "0.5%" or "0.005" → 0.005. Client-safe (the CLI passes the text through).
export function parseThreshold(text: string | null | undefined): number | null {
  if (text === null || text === undefined || text.trim() === "") return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m) throw new Error(`threshold "${text}" is not a number or a percentage (e.g. 0.5%)`);
  const v = Number(m[1]) / (m[2] ? 100 : 1);
  if (!(v >= 0 && v <= 1)) throw new Error(`threshold "${text}" must be between 0 and 100 %`);
  return v;
}
