// Serves an existing build (web + worker) on $PORT; used by Playwright's webServer.
import { serve } from "./lib/serve.mjs";

process.exitCode = await serve({ port: Number(process.env.PORT ?? 3000) });
