// The one map from role to actions. Safe to import from client code (no I/O):
// the UI uses it to hide what the server would refuse anyway.
export const roles = ["VIEWER", "REVIEWER", "LEAD", "ADMIN"] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  "project:read",
  "queue:read",
  "item:claim",
  "item:label",
  "item:escalate",
  "item:adjudicate",
  "item:bulk",
  "pii:reveal",
  "flag:read",
  "flag:narrow",
  "flag:change",
  "flag:approve",
  "incident:read",
  "incident:manage",
  "dashboard:read",
  "export:read",
  "export:create",
  "export:pii",
  "audit:read",
  "project:manage",
  "member:manage",
  "apikey:manage",
  "webhook:manage",
] as const;
export type Permission = (typeof permissions)[number];

const viewer: Permission[] = [
  "project:read",
  "queue:read",
  "flag:read",
  "incident:read",
  "dashboard:read",
];
const reviewer: Permission[] = [...viewer, "item:claim", "item:label", "item:escalate", "flag:narrow"];
const lead: Permission[] = [
  ...reviewer,
  "item:adjudicate",
  "item:bulk",
  "pii:reveal",
  "flag:change",
  "flag:approve",
  "incident:manage",
  "export:read",
  "export:create",
  "audit:read",
];
const admin: Permission[] = [
  ...lead,
  "export:pii",
  "project:manage",
  "member:manage",
  "apikey:manage",
  "webhook:manage",
];

export const rolePermissions: Record<Role, ReadonlySet<Permission>> = {
  VIEWER: new Set(viewer),
  REVIEWER: new Set(reviewer),
  LEAD: new Set(lead),
  ADMIN: new Set(admin),
};

export function can(role: Role, permission: Permission): boolean {
  return rolePermissions[role].has(permission);
}

export function roleRank(role: Role): number {
  return roles.indexOf(role);
}
