// GET /api/v1/whoami — the project and scopes of the presented API key
export { getWhoami as GET } from "@/lib/http/public-api";
