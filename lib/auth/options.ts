// next-auth configuration: email + password (scrypt) and, when configured,
// a generic OIDC provider for SSO. JWT sessions; the actor is reloaded from
// the database on every request (lib/auth/session.ts).
import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { z } from "zod";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { dummyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { clearSignInFailures, recordSignInFailure, signInThrottle } from "@/lib/auth/rate-limit";
import { recordAudit } from "@/lib/audit/record";
import { clientIp } from "@/lib/http/client-ip";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});

export const SIGN_IN_MESSAGES = {
  invalid: "Email or password is incorrect.",
  disabled: "This account is disabled. Ask an administrator.",
  throttled: (seconds: number) =>
    `Too many failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? "s" : ""}.`,
};

async function authorizeCredentials(
  raw: Record<string, string> | undefined,
  headers: Record<string, unknown> | undefined,
) {
  const parsed = credentialsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new Error(SIGN_IN_MESSAGES.invalid);
  const { email, password } = parsed.data;
  const ip = clientIp(headers);

  const throttle = await signInThrottle(email, ip);
  if (throttle.limited) throw new Error(SIGN_IN_MESSAGES.throttled(throttle.retryAfterSeconds));

  const user = await db().user.findUnique({ where: { email } });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) {
    await recordSignInFailure(email, ip);
    await db().$transaction((tx) =>
      recordAudit(tx, {
        actor: { kind: "system", label: "auth" },
        action: "auth.sign_in_failed",
        targetType: "user",
        targetId: user?.id,
        metadata: { email, ip },
      }),
    );
    throw new Error(SIGN_IN_MESSAGES.invalid);
  }
  if (user.disabledAt) throw new Error(SIGN_IN_MESSAGES.disabled);

  await clearSignInFailures(email);
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
    await recordAudit(tx, {
      actor: { kind: "user", userId: user.id, email: user.email, name: user.name, orgAdminOf: [], ip },
      action: "auth.sign_in",
      targetType: "user",
      targetId: user.id,
      metadata: { method: "password" },
    });
  });
  return { id: user.id, email: user.email, name: user.name };
}

function oidcProvider(): OAuthConfig<Record<string, unknown>> | null {
  const c = config();
  if (!c.OIDC_ISSUER || !c.OIDC_CLIENT_ID || !c.OIDC_CLIENT_SECRET) return null;
  return {
    id: "oidc",
    name: c.OIDC_NAME,
    type: "oauth",
    wellKnown: `${c.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId: c.OIDC_CLIENT_ID,
    clientSecret: c.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    profile(profile) {
      const email = String(profile.email ?? "").toLowerCase();
      return { id: String(profile.sub), email, name: String(profile.name ?? email) };
    },
  };
}

/** SSO users are matched by verified email; a first sign-in creates an account with no projects. */
async function upsertSsoUser(email: string, name: string): Promise<string> {
  return db().$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email } });
    if (existing) {
      if (existing.disabledAt) throw new Error(SIGN_IN_MESSAGES.disabled);
      await tx.user.update({ where: { id: existing.id }, data: { lastSignInAt: new Date() } });
      await recordAudit(tx, {
        actor: { kind: "user", userId: existing.id, email, name: existing.name, orgAdminOf: [] },
        action: "auth.sign_in",
        targetType: "user",
        targetId: existing.id,
        metadata: { method: "oidc" },
      });
      return existing.id;
    }
    const created = await tx.user.create({ data: { email, name, lastSignInAt: new Date() } });
    await recordAudit(tx, {
      actor: { kind: "user", userId: created.id, email, name, orgAdminOf: [] },
      action: "user.created_by_sso",
      targetType: "user",
      targetId: created.id,
      after: { email, name },
    });
    return created.id;
  });
}

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const c = config();
  const oidc = oidcProvider();
  cached = {
    secret: c.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: c.SESSION_MAX_AGE_HOURS * 3600 },
    jwt: { maxAge: c.SESSION_MAX_AGE_HOURS * 3600 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: (credentials, req) => authorizeCredentials(credentials, req.headers),
      }),
      ...(oidc ? [oidc] : []),
    ],
    events: {
      async signOut({ token }) {
        const userId = typeof token?.uid === "string" ? token.uid : null;
        if (!userId) return;
        await db().$transaction((tx) =>
          recordAudit(tx, {
            actor: { kind: "user", userId, email: token.email ?? "", name: token.name ?? "", orgAdminOf: [] },
            action: "auth.sign_out",
            targetType: "user",
            targetId: userId,
          }),
        );
      },
    },
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        if (!user.email) return false;
        user.id = await upsertSsoUser(user.email.toLowerCase(), user.name ?? user.email);
        return true;
      },
      async jwt({ token, user }) {
        if (user) token.uid = user.id;
        return token;
      },
      async session({ session, token }) {
        if (session.user && typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
  return cached;
}

export function ssoProviderName(): string | null {
  return oidcProvider() ? config().OIDC_NAME : null;
}
