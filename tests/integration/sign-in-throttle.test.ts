import { afterAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { SIGN_IN_LIMITS, clearSignInFailures, recordSignInFailure, signInThrottle } from "@/lib/auth/rate-limit";
import { disconnectRedis } from "@/lib/redis";

afterAll(disconnectRedis);

const email = () => `${randomBytes(4).toString("hex")}@throttle.test`;
const ip = () => `10.${[1, 2, 3].map(() => randomBytes(1)[0]).join(".")}`;

describe("failed sign-in throttling (Redis)", () => {
  it("locks an account after the per-account limit, whatever the IP", async () => {
    const e = email();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
      expect((await signInThrottle(e, ip())).limited).toBe(false);
      await recordSignInFailure(e, ip());
    }
    const state = await signInThrottle(e, ip());
    expect(state.limited).toBe(true);
    if (state.limited) expect(state.retryAfterSeconds).toBeGreaterThan(0);
    // Another account is unaffected.
    expect((await signInThrottle(email(), ip())).limited).toBe(false);
  });

  it("locks an IP after the per-IP limit, across accounts", async () => {
    const addr = ip();
    for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) await recordSignInFailure(email(), addr);
    expect((await signInThrottle(email(), addr)).limited).toBe(true);
    expect((await signInThrottle(email(), ip())).limited).toBe(false);
  });

  it("clears the account counter after a successful sign-in", async () => {
    const e = email();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) await recordSignInFailure(e, null);
    expect((await signInThrottle(e, null)).limited).toBe(true);
    await clearSignInFailures(e);
    expect((await signInThrottle(e, null)).limited).toBe(false);
  });
});
