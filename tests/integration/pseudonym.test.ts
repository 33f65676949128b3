import { createHmac } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { open } from "@/lib/crypto/secretbox";
import { pseudonymize, pseudonymizeNow } from "@/lib/privacy/pseudonym";
import { makeTenant } from "./fixtures";

afterAll(async () => {
  await disconnectDb();
});

describe("pseudonymize", () => {
  it("is HMAC-SHA256 under the project's own secret, the same on every call, past the recent-pseudonym bound, and differs by project", async () => {
    const { project } = await makeTenant();
    const { project: other } = await makeTenant();
    const secret = open((await db().project.findUniqueOrThrow({ where: { id: project.id } })).pseudonymKeyEnc);
    const expected = (id: string) => createHmac("sha256", secret).update(id, "utf8").digest("base64url");

    const ids = Array.from({ length: 10_050 }, (_, i) => `user-${i}-ü`);
    for (const round of [1, 2]) {
      for (const id of ids) expect(await pseudonymize(project.id, id), `round ${round}, ${id}`).toBe(expected(id));
    }
    expect(pseudonymizeNow(project.id, "user-7-ü")).toBe(expected("user-7-ü"));
    expect(await pseudonymize(other.id, "user-7-ü")).not.toBe(expected("user-7-ü"));
  });
});
