// GET /api/v1/whoami — the project and scopes of the presented API key
import { withApiKey } from "@/lib/http/with-api-key";
import { describeApiKey } from "@/lib/api-keys/describe-api-key";

export const GET = withApiKey(null, async (_req, actor) => Response.json(await describeApiKey(actor)));
