// GET /api/openapi.json — the OpenAPI document of the public API
import { openApiDocument } from "@/lib/openapi";
import { config } from "@/lib/config";

export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(openApiDocument(config().NEXTAUTH_URL), { headers: { "Cache-Control": "public, max-age=300" } });
}
