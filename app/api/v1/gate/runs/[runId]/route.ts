// GET /api/v1/gate/runs/:runId[?threshold=0.5%&baseline=<candidate>] — the run's gate (gate:read)
export { getRunStatus as GET } from "@/lib/http/gate-api";
