// POST /api/v1/reports — one user report (an in-app "report" button)
export { postReport as POST } from "@/lib/http/public-api";
