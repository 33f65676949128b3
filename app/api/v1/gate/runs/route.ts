// POST /api/v1/gate/runs — open a gate run for a candidate and a suite (gate:write)
export { postRun as POST } from "@/lib/http/gate-api";
