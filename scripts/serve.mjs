// Serves an existing build (web + worker) on $PORT; used by Playwright's webServer.
// RAMPART_SERVER_LOG=file keeps a copy of their output there.
import { serve } from "./lib/serve.mjs";

process.exitCode = await serve({ port: Number(process.env.PORT ?? 3000), logFile: process.env.RAMPART_SERVER_LOG || undefined });
