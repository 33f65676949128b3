import { describe, expect, it } from "vitest";
import { can, permissions, roleRank, roles, rolePermissions } from "./permissions";

describe("permission map", () => {
  it("is monotonic: each role can do everything the role below it can", () => {
    for (let i = 1; i < roles.length; i++) {
      const lower = rolePermissions[roles[i - 1]!];
      const higher = rolePermissions[roles[i]!];
      for (const p of lower) expect(higher.has(p), `${roles[i]} lacks ${p}`).toBe(true);
      expect(higher.size).toBeGreaterThan(lower.size);
    }
  });

  it("gives admin every permission", () => {
    for (const p of permissions) expect(can("ADMIN", p)).toBe(true);
  });

  it("keeps viewers read-only", () => {
    for (const p of rolePermissions.VIEWER) expect(p.endsWith(":read")).toBe(true);
  });

  it("orders roles viewer < reviewer < lead < admin", () => {
    expect(roleRank("VIEWER")).toBeLessThan(roleRank("REVIEWER"));
    expect(roleRank("REVIEWER")).toBeLessThan(roleRank("LEAD"));
    expect(roleRank("LEAD")).toBeLessThan(roleRank("ADMIN"));
  });
});
