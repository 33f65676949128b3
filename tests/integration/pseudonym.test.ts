import { createHmac } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { open } from "@/lib/crypto/secretbox";
import { forgetPseudonym, pseudonymize, pseudonymizeForIngest, pseudonymizeNow, rememberedPseudonyms } from "@/lib/privacy/pseudonym";
import { makeTenant } from "./fixtures";

afterAll(async () => {
  await disconnectDb();
});

async function hmacOf(projectId: string) {
  const secret = open((await db().project.findUniqueOrThrow({ where: { id: projectId } })).pseudonymKeyEnc);
  return (id: string) => createHmac("sha256", secret).update(id, "utf8").digest("base64url");
}

describe("pseudonyms", () => {
  it("are HMAC-SHA256 under the project's own secret, remembered or not, and differ by project", async () => {
    const { project } = await makeTenant();
    const { project: other } = await makeTenant();
    const expected = await hmacOf(project.id);
    for (const id of ["user-7-ü", "", "x".repeat(200), "x".repeat(5_000)]) {
      expect(await pseudonymize(project.id, id)).toBe(expected(id));
      expect(await pseudonymizeForIngest(project.id, id)).toBe(expected(id));
      expect(await pseudonymizeForIngest(project.id, id)).toBe(expected(id));
      expect(pseudonymizeNow(project.id, id)).toBe(expected(id));
    }
    expect(await pseudonymizeForIngest(other.id, "user-7-ü")).not.toBe(expected("user-7-ü"));
  });

  it("remember at most 20,000 across projects, least recently used out first, and no long ids", async () => {
    const { project } = await makeTenant();
    const { project: other } = await makeTenant();
    const expected = await hmacOf(project.id);
    const expectedOther = await hmacOf(other.id);

    await pseudonymizeForIngest(project.id, "kept");
    for (let i = 0; i < 10_100; i++) expect(await pseudonymizeForIngest(project.id, `u${i}`)).toBe(expected(`u${i}`));
    await pseudonymizeForIngest(project.id, "kept"); // used again: now the most recent
    for (let i = 0; i < 10_100; i++) expect(await pseudonymizeForIngest(other.id, `u${i}`)).toBe(expectedOther(`u${i}`));
    expect(rememberedPseudonyms()).toBe(20_000);

    const before = rememberedPseudonyms();
    await pseudonymizeForIngest(project.id, "y".repeat(201));
    expect(rememberedPseudonyms()).toBe(before); // a long id is not remembered (nor anything evicted for it)

    // "u0" of the first project was among the least recently used: evicted, so it takes a fresh HMAC and is remembered again.
    expect(await pseudonymizeForIngest(project.id, "u0")).toBe(expected("u0"));
    expect(await pseudonymizeForIngest(project.id, "kept")).toBe(expected("kept"));
    forgetPseudonym(project.id, "kept");
    expect(await pseudonymizeForIngest(project.id, "kept")).toBe(expected("kept"));
    expect(rememberedPseudonyms()).toBe(20_000);
  });
});
