// The signed-in user for pages, server actions and route handlers.
import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/options";
import { loadUserActor } from "@/lib/auth/load-actor";
import { clientIp } from "@/lib/http/client-ip";
import { AppError } from "@/lib/errors";
import type { UserActor } from "@/lib/auth/actor-types";

export async function getSessionActor(): Promise<UserActor | null> {
  const session = await getServerSession(authOptions());
  const userId = session?.user?.id;
  if (!userId) return null;
  return loadUserActor(userId, clientIp(await headers()));
}

/** For pages: a signed-out visitor is sent to the sign-in page. */
export async function requirePageActor(callbackPath?: string): Promise<UserActor> {
  const actor = await getSessionActor();
  if (!actor) redirect(callbackPath ? `/sign-in?callbackUrl=${encodeURIComponent(callbackPath)}` : "/sign-in");
  return actor;
}

/** For actions and route handlers. */
export async function requireSessionActor(): Promise<UserActor> {
  const actor = await getSessionActor();
  if (!actor) throw new AppError("UNAUTHENTICATED", "Sign in to continue");
  return actor;
}
