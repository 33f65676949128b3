// Wraps public API route handlers: authenticates the bearer key, checks its
// scope, and maps every error through errorResponse.
import "server-only";
import { authenticateApiKey, requireScope } from "@/lib/api-keys/authenticate-api-key";
import type { ApiScopeName } from "@/lib/api-keys/key-format";
import type { ApiKeyActor } from "@/lib/auth/actor-types";
import { errorResponse } from "@/lib/http/responses";
import { enforceApiKeyRate } from "@/lib/http/api-rate-limit";

type Handler<C> = (req: Request, actor: ApiKeyActor, ctx: C) => Promise<Response>;

export function withApiKey<C>(scope: ApiScopeName | readonly ApiScopeName[] | null, handler: Handler<C>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    try {
      const actor = await authenticateApiKey(req.headers.get("authorization"));
      if (scope) requireScope(actor, scope);
      await enforceApiKeyRate(actor);
      return await handler(req, actor, ctx);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
