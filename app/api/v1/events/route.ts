// POST /api/v1/events — ingest a batch of interactions, verdicts and reports
// (served by the lean layer in server.ts in production; this route serves `next dev`)
export { postEvents as POST } from "@/lib/http/public-api";
