// Throughput of redactText on a typical ~2 KB chat response (prose, a code
// block, a little PII). Run: npx tsx lib/pii/bench-pii.ts
import { redactText } from "./detect";

const paragraph = [
  "Thanks for reaching out! I've looked into the issue with your order from 14 March 2024 and here is what I found.",
  "The payment went through on the 2nd attempt, but the confirmation email bounced, so our system marked it as pending.",
  "You can reach our billing team at billing@example.com or call +1 (415) 555-2671 between 9:00 and 17:30 PT.",
  "If you prefer, reply with the last four digits of the card (never the full number) and we'll match it manually.",
  "In the meantime, upgrading to v2.4.1 of the SDK fixes the retry bug; the changelog lists 3 related fixes.",
].join(" ");

const code = [
  "```ts",
  "const client = new Client({ baseUrl: process.env.API_URL, timeoutMs: 30_000 });",
  "for (const item of await client.list({ limit: 50, page: 2 })) {",
  "  console.log(`${item.id}: ${item.status} (${item.updatedAt})`);",
  "}",
  "```",
].join("\n");

const steps = [
  "To reproduce the problem locally:",
  "1. Clone the repository and run `npm ci` (Node 20.12 or later).",
  "2. Copy `.env.example` to `.env` and set API_URL=http://localhost:3000.",
  "3. Start the worker with `npm run worker`, then the app with `npm run dev`.",
  "4. Open the dashboard, pick the project and retry job #48213 from the queue page.",
].join("\n");

const closing =
  "Let me know if anything is still unclear. Our status page shows all systems operational as of 12:45 UTC, " +
  "and the incident from last week (INC-20431) has been closed. If the retry still fails after the upgrade, " +
  "send us the request id from the response headers (it looks like req_7f3a9c) and the time it happened, " +
  "and we will trace it on our side. Have a great day!";

const sample = [paragraph, code, steps, paragraph.replace("billing@example.com", "support@example.org"), closing].join(
  "\n\n",
);

function measure(seconds: number): { calls: number; elapsed: number } {
  let calls = 0;
  let sink = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let k = 0; k < 100; k++) sink += redactText(sample).text.length;
    calls += 100;
  }
  if (sink === 0) throw new Error("redaction produced no output");
  return { calls, elapsed: (performance.now() - started) / 1000 };
}

// Warm-up, so the figures are for JIT-compiled code and regexes.
measure(1);
const { calls, elapsed } = measure(3);
const bytes = Buffer.byteLength(sample, "utf8");
console.log(
  JSON.stringify({
    mbPerSecond: Number(((calls * bytes) / elapsed / 1e6).toFixed(1)),
    callsPerSecond: Math.round(calls / elapsed),
    sampleBytes: bytes,
  }),
);
