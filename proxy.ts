// Redirects signed-out visitors of console pages to sign-in. Authorization is
// not decided here: every service checks permissions itself (lib/auth/access.ts).
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";

export async function proxy(req: NextRequest) {
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  if (token) return NextResponse.next();
  const url = new URL("/sign-in", req.url);
  url.searchParams.set("callbackUrl", req.nextUrl.pathname + req.nextUrl.search);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything except public APIs, auth, health, the Prometheus scrape (its own
  // bearer token), static assets and the sign-in page.
  matcher: ["/((?!api/|_next/|sign-in|metrics$|favicon\\.ico|robots\\.txt).*)"],
};
