// The console's sections and the permission each needs (the server checks again).
import type { Permission } from "@/lib/auth/permissions";

export const navItems: { label: string; segment: string; permission: Permission }[] = [
  { label: "Queue", segment: "queue", permission: "queue:read" },
  { label: "Incidents", segment: "incidents", permission: "incident:read" },
  { label: "Flags", segment: "flags", permission: "flag:read" },
  { label: "Dashboards", segment: "dashboards", permission: "dashboard:read" },
  { label: "Gate", segment: "gate", permission: "dashboard:read" },
  { label: "Exports", segment: "exports", permission: "export:read" },
  { label: "Admin", segment: "admin", permission: "project:manage" },
];
