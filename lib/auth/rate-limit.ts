// Failed sign-in throttling, per account and per client IP, in Redis
// (fixed windows: cheap, shared by every web instance).
import "server-only";
import { redis } from "@/lib/redis";

export const SIGN_IN_LIMITS = {
  windowSeconds: 15 * 60,
  perAccount: 5,
  perIp: 30,
} as const;

const accountKey = (email: string) => `rl:signin:acct:${email.toLowerCase()}`;
const ipKey = (ip: string) => `rl:signin:ip:${ip}`;

export type ThrottleState = { limited: false } | { limited: true; retryAfterSeconds: number };

export async function signInThrottle(email: string, ip: string | null): Promise<ThrottleState> {
  const r = redis();
  const keys = [accountKey(email), ...(ip ? [ipKey(ip)] : [])];
  const counts = await r.mget(...keys);
  const limits = [SIGN_IN_LIMITS.perAccount, SIGN_IN_LIMITS.perIp];
  for (let i = 0; i < keys.length; i++) {
    if (Number(counts[i] ?? 0) >= limits[i]!) {
      const ttl = await r.ttl(keys[i]!);
      return { limited: true, retryAfterSeconds: Math.max(ttl, 1) };
    }
  }
  return { limited: false };
}

export async function recordSignInFailure(email: string, ip: string | null): Promise<void> {
  const pipeline = redis().multi();
  for (const key of [accountKey(email), ...(ip ? [ipKey(ip)] : [])]) {
    pipeline.incr(key);
    pipeline.expire(key, SIGN_IN_LIMITS.windowSeconds, "NX");
  }
  await pipeline.exec();
}

export async function clearSignInFailures(email: string): Promise<void> {
  await redis().del(accountKey(email));
}
