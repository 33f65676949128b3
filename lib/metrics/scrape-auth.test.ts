import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { authorizeScrape } from "@/lib/metrics/scrape-auth";

const TOKEN = "s3cret-metrics-token-0123456789";

function outcome(header: string | null, token: string | undefined): string {
  try {
    authorizeScrape(header, token);
    return "ok";
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
}

describe("authorizeScrape", () => {
  it("hides the endpoint while no token is configured, whatever is presented", () => {
    expect(outcome(`Bearer ${TOKEN}`, undefined)).toBe("NOT_FOUND");
    expect(outcome(null, undefined)).toBe("NOT_FOUND");
  });

  it("lets the configured token through as a Bearer token, scheme case-insensitively", () => {
    expect(outcome(`Bearer ${TOKEN}`, TOKEN)).toBe("ok");
    expect(outcome(`bearer ${TOKEN}`, TOKEN)).toBe("ok");
  });

  it("refuses a missing, wrong, truncated or differently presented token", () => {
    for (const header of [null, "", "Bearer", "Bearer ", `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`]) {
      expect(outcome(header, TOKEN), String(header)).toBe("UNAUTHENTICATED");
    }
  });
});
