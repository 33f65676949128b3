// Runs before every console page and server action: refuses cross-origin
// state changes, gives each page a fresh CSP nonce, and redirects signed-out
// visitors of console pages to sign-in. Authorization is not decided here:
// every service checks permissions itself (lib/auth/access.ts).
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { createNonce, isTls, pageContentSecurityPolicy } from "@/lib/http/security-headers";
import { refuseCrossOrigin } from "@/lib/http/same-origin";

/** Pages a signed-out visitor may see (they still get the CSP). */
const PUBLIC_PAGES = new Set(["/sign-in"]);

export async function proxy(req: NextRequest) {
  // Server actions are POSTs to page URLs; Next checks their Origin too, but
  // answers a mismatch with a 500 and ignores Sec-Fetch-Site.
  const refused = refuseCrossOrigin(req, process.env.NEXTAUTH_URL);
  if (refused) return refused;

  if (!PUBLIC_PAGES.has(req.nextUrl.pathname)) {
    const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
    if (!token) {
      const url = new URL("/sign-in", req.url);
      url.searchParams.set("callbackUrl", req.nextUrl.pathname + req.nextUrl.search);
      return NextResponse.redirect(url);
    }
  }

  const csp = pageContentSecurityPolicy(createNonce(), {
    dev: process.env.NODE_ENV === "development",
    tls: isTls(req.headers.get("x-forwarded-proto"), process.env.NEXTAUTH_URL),
  });
  // Next takes the nonce for its own inline scripts from the request's CSP header.
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("content-security-policy", csp);
  return res;
}

export const config = {
  // Everything but the API (its own auth and CSRF checks; headers set in
  // server.ts), OFREP (served before Next), the Prometheus scrape (its own
  // bearer token) and Next's assets, which need neither a nonce nor a session.
  matcher: ["/((?!api/|ofrep/|_next/|metrics$|favicon\\.ico|robots\\.txt).*)"],
};
