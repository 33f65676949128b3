// PUT /api/v1/gate/suites/:name — define or replace a prompt suite (gate:write); GET — its prompts as JSONL (gate:read)
export { putSuite as PUT, getSuite as GET } from "@/lib/http/gate-api";
