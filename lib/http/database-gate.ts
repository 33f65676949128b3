// What server.ts answers, in front of Next, while Postgres is known to be
// down (lib/db-availability.ts): 503 with Retry-After, as a small page for
// browsers and as the API's JSON error otherwise. Next itself could only
// answer a console page whose data fails with a 500.
import type { ServerResponse } from "node:http";
import { DATABASE_RETRY_AFTER_SECONDS } from "@/lib/database-unavailable";
import { isApiPath } from "@/lib/http/security-headers";

/** Paths answered without the database: Next's assets, the health report (it says what is down) and sign-in plumbing. */
const WITHOUT_DATABASE = [/^\/_next\//, /^\/favicon\.ico$/, /^\/robots\.txt$/, /^\/api\/health$/, /^\/api\/openapi\.json$/, /^\/api\/auth\//];

export function needsDatabase(path: string): boolean {
  return !WITHOUT_DATABASE.some((re) => re.test(path));
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rampart is briefly unavailable</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #0f172a">
<h1 style="font-size: 1.25rem">Rampart is briefly unavailable</h1>
<p>The database cannot be reached right now. Nothing you saved is lost; reload this page in a few seconds.</p>
</body></html>
`;

export function sendDatabaseUnavailable(res: ServerResponse, path: string, accept: string | undefined): void {
  const html = !isApiPath(path) && /text\/html/.test(accept ?? "");
  const body = html
    ? PAGE
    : JSON.stringify({
        error: { code: "UNAVAILABLE", message: "The database is unavailable; try again shortly", details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS } },
      });
  res.writeHead(503, {
    "content-type": html ? "text/html; charset=utf-8" : "application/json",
    "content-length": Buffer.byteLength(body),
    "retry-after": String(DATABASE_RETRY_AFTER_SECONDS),
    "cache-control": "no-store",
    ...(html ? { "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'" } : {}),
  });
  res.end(body);
}
