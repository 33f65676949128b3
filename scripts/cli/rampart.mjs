#!/usr/bin/env node
// rampart — the command line for CI pipelines.
//
//   rampart gate --project <slug> --run <runId> [--threshold 0.5%] [--baseline <candidate>] [--timeout 600] [--json]
//
// Waits for the gate run to be scored (the pipeline completes it after sending
// its interactions), prints a table and a one-line JSON summary, and exits
//   0  the gate passed        1  the gate failed
//   2  inconclusive (too few responses to tell; not a pass)   3  usage, network or timeout error.
// Needs RAMPART_URL (default http://localhost:3000) and RAMPART_API_KEY (a key with gate:read).
import { parseArgs } from "node:util";

const EXIT = { PASSED: 0, FAILED: 1, INCONCLUSIVE: 2 };
const fail = (message) => {
  process.stderr.write(`rampart: ${message}\n`);
  process.exit(3);
};

function usage() {
  process.stdout.write(
    "usage: rampart gate --project <slug> --run <runId> [--threshold 0.5%] [--baseline <candidate>] [--timeout <seconds>] [--json]\n" +
      "env:   RAMPART_URL (default http://localhost:3000), RAMPART_API_KEY (gate:read)\n",
  );
}

const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(2)} %`);

function table(run) {
  const r = run.result;
  const lines = [
    `Gate run ${run.runId} — suite ${run.suite}, candidate ${run.candidate}`,
    "",
    `  status                ${run.status}`,
    `  responses             ${r.responses}${r.missingPrompts ? ` (${r.missingPrompts} suite prompts not answered)` : ""}${r.unknownPrompts ? ` (${r.unknownPrompts} not in the suite)` : ""}`,
    `  harmful outputs       ${r.harmfulCount}  rate ${pct(r.harmful?.rate)}  95 % ${pct(r.harmful?.low)}–${pct(r.harmful?.high)}  threshold ${pct(r.thresholds.maxHarmful)}`,
    `  failed expectations   ${r.failedExpectations}  rate ${pct(r.failed?.rate)}  95 % ${pct(r.failed?.low)}–${pct(r.failed?.high)}  threshold ${pct(r.thresholds.maxFailed)}`,
    `  false refusals        ${r.falseRefusals}`,
    `  latency p50 / p95     ${r.latency.p50Ms === null ? "—" : Math.round(r.latency.p50Ms)} / ${r.latency.p95Ms === null ? "—" : Math.round(r.latency.p95Ms)} ms`,
    `  cost                  $${r.cost.totalUsd.toFixed(4)} total${r.cost.perCallUsd === null ? "" : `, $${r.cost.perCallUsd.toFixed(6)} per call`}`,
    ...(r.baselineRun ? [`  baseline              run ${r.baselineRun.runId} (${r.baselineRun.candidate}): harmful ${pct(r.baselineHarmful?.rate)}`] : []),
    "",
    "  why:",
    ...r.reasons.map((x) => `    - ${x}`),
  ];
  const failingCats = r.byCategory.filter((c) => c.failed > 0);
  if (failingCats.length) {
    lines.push("", "  failed expectations by category:");
    for (const c of failingCats) lines.push(`    ${c.category.padEnd(24)} ${c.expectation.padEnd(12)} ${c.failed} of ${c.responses}`);
  }
  if (r.failing.length) {
    lines.push("", `  failing prompts (${r.failingTotal}${r.failingTotal > r.failing.length ? `, first ${r.failing.length}` : ""}):`);
    for (const f of r.failing.slice(0, 25)) lines.push(`    ${(f.promptKey ?? "(no prompt key)").padEnd(24)} ${f.requestId}  ${f.reasons.join("; ")}`);
    if (r.failing.length > 25) lines.push(`    … ${r.failingTotal - 25} more (see the JSON summary or the console)`);
  }
  return lines.join("\n");
}

async function gate(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      project: { type: "string" },
      run: { type: "string" },
      threshold: { type: "string" },
      baseline: { type: "string" },
      timeout: { type: "string", default: "600" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return usage(), process.exit(0);
  if (!values.project || !values.run) return usage(), process.exit(3);
  const base = (process.env.RAMPART_URL ?? "http://localhost:3000").replace(/\/$/, "");
  const key = process.env.RAMPART_API_KEY;
  if (!key) fail("set RAMPART_API_KEY to a project API key with the gate:read scope");
  const headers = { authorization: `Bearer ${key}`, accept: "application/json" };
  const get = async (path) => {
    let res;
    try {
      res = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      fail(`cannot reach ${base}: ${err.cause?.message ?? err.message}`);
    }
    const text = await res.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    if (!res.ok) fail(`${path}: HTTP ${res.status} ${body?.error?.message ?? text.slice(0, 200)}`);
    return body;
  };

  const who = await get("/api/v1/whoami");
  if (who?.project?.slug !== values.project) fail(`the API key belongs to project "${who?.project?.slug}", not "${values.project}"`);
  const q = new URLSearchParams();
  if (values.threshold) q.set("threshold", values.threshold);
  if (values.baseline) q.set("baseline", values.baseline);
  const path = `/api/v1/gate/runs/${encodeURIComponent(values.run)}${q.size ? `?${q}` : ""}`;
  const deadline = Date.now() + Number(values.timeout) * 1000;
  let run = await get(path);
  let waited = false;
  while (run.status === "PENDING") {
    if (Date.now() > deadline) fail(`run ${values.run} was not completed within ${values.timeout} s (the pipeline completes it: POST /api/v1/gate/runs/${values.run}/complete)`);
    if (!waited) process.stderr.write(`rampart: waiting for run ${values.run} to be completed and scored…\n`);
    waited = true;
    await new Promise((r) => setTimeout(r, 2_000));
    run = await get(path);
  }
  if (!values.json) process.stdout.write(`${table(run)}\n\n`);
  const r = run.result;
  const summary = {
    runId: run.runId,
    project: values.project,
    suite: run.suite,
    candidate: run.candidate,
    status: run.status,
    responses: r.responses,
    harmful: { count: r.harmfulCount, rate: r.harmful?.rate ?? null, low: r.harmful?.low ?? null, high: r.harmful?.high ?? null, threshold: r.thresholds.maxHarmful },
    failedExpectations: { count: r.failedExpectations, rate: r.failed?.rate ?? null, high: r.failed?.high ?? null, threshold: r.thresholds.maxFailed },
    falseRefusals: r.falseRefusals,
    baseline: r.baselineRun,
    reasons: r.reasons,
    failingPrompts: r.failing.map((f) => ({ promptKey: f.promptKey, requestId: f.requestId, reasons: f.reasons })),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(EXIT[run.status] ?? 3);
}

const [command, ...rest] = process.argv.slice(2);
if (command === "gate") await gate(rest);
else {
  usage();
  process.exit(command === "help" || command === "--help" || command === "-h" ? 0 : 3);
}
