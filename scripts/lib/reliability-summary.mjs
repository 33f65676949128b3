// The reliability and security suite's summary table (issue #11): the fault
// drill's counts, the fuzz run, the XSS corpus, the authorization matrix and
// the security-header specs, from the files the runs leave in the results
// directory. Prints "—" for a part that did not run.
import { existsSync, readFileSync } from "node:fs";

const read = (file) => (existsSync(file) ? readFileSync(file, "utf8") : null);

function facts(file) {
  const out = {};
  for (const line of (read(file) ?? "").split("\n")) {
    if (!line.trim()) continue;
    const f = JSON.parse(line);
    out[f.name] = f.value;
  }
  return out;
}

/** passed / failed per spec file, from Playwright's JSON report. */
function specResults(file) {
  const text = read(file);
  const out = {};
  if (!text) return out;
  const walk = (suite, specFile) => {
    for (const s of suite.suites ?? []) walk(s, s.file ?? specFile);
    for (const spec of suite.specs ?? []) {
      const f = (spec.file ?? specFile ?? "").split("/").pop();
      out[f] ??= { passed: 0, failed: 0 };
      for (const t of spec.tests ?? []) {
        const ok = t.status === "expected" || t.status === "flaky";
        out[f][ok ? "passed" : t.status === "skipped" ? "skipped" : "failed"] = (out[f][ok ? "passed" : t.status === "skipped" ? "skipped" : "failed"] ?? 0) + 1;
      }
    }
  };
  for (const s of JSON.parse(text).suites ?? []) walk(s, s.file);
  return out;
}

export function printReliabilitySummary(dir) {
  const f = facts(`${dir}/reliability-facts.jsonl`);
  const specs = specResults(`${dir}/playwright.json`);
  const drillText = read(`${dir}/reliability.json`);
  const d = drillText ? JSON.parse(drillText) : null;
  const spec = (name) => (specs[name] ? `${specs[name].passed} passed, ${specs[name].failed} failed` : "—");
  const rows = [
    ["faults: events sent / acknowledged / stored", d ? `${d.sent} / ${d.acknowledged} / ${d.stored}` : "—"],
    ["faults: lost / duplicated (must be 0)", d ? `${d.lost} / ${d.duplicated}` : "—"],
    ["faults: triage items, SLA timers (found/expected)", d ? `${d.triageItems.found}/${d.triageItems.expected}, ${d.slaTimers.found}/${d.slaTimers.expected}` : "—"],
    ["faults: exports ok / failed / half-written", d ? `${d.exports.ok} / ${d.exports.failed} / ${d.exports.halfWritten}` : "—"],
    ["faults: 503 probes while Postgres was down (max ms)", d ? `${d.probes503.count} (${d.probes503.maxLatencyMs} ms)` : "—"],
    ["faults: checks", d ? `${d.passed} passed, ${d.failed} failed` : "—"],
    ["fuzz: inputs tried over the public endpoints", f.fuzz ? `${f.fuzz.tried} (seed ${f.fuzz.seed}; statuses ${JSON.stringify(f.fuzz.statuses)})` : "—"],
    ["xss: payloads × fields, pages checked", f.xss ? `${f.xss.payloads} × ${f.xss.fields}, ${f.xss.pages} pages; executed 0, foreign requests 0` : "—"],
    ["xss corpus spec", spec("xss-corpus.spec.ts")],
    ["authorization matrix: checks (mismatched)", f.authz ? `${f.authz.checks} (${f.authz.mismatched})` : "—"],
    ["authorization matrix spec", spec("authz-matrix.spec.ts")],
    ["headers, CSP, cookies, CSRF spec", spec("security.spec.ts")],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("\nReliability and security suite");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}
