// GET|POST /api/auth/* — next-auth (sign-in, sign-out, session, CSRF)
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { config } from "@/lib/config";
import { refuseCrossOrigin } from "@/lib/http/same-origin";

type Context = { params: Promise<{ nextauth: string[] }> };

function handler(req: Request, ctx: Context) {
  return NextAuth(authOptions())(req, ctx);
}

/** Sign-in and sign-out carry next-auth's double-submit token too; this refuses a cross-site attempt before it is even weighed. */
function post(req: Request, ctx: Context) {
  return refuseCrossOrigin(req, config().NEXTAUTH_URL) ?? handler(req, ctx);
}

export { handler as GET, post as POST };
