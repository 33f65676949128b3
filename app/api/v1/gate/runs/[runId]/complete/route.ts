// POST /api/v1/gate/runs/:runId/complete — every interaction is in: score the run (gate:write)
export { postRunComplete as POST } from "@/lib/http/gate-api";
