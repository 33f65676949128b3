// Input schemas shared by the admin forms and the project services.
import { z } from "zod";

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "Slug must be at least 2 characters")
  .max(48, "Slug must be at most 48 characters")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lowercase letters, digits and single hyphens");

export const projectNameSchema = z.string().trim().min(1, "Name is required").max(100);

export const createProjectSchema = z.object({
  orgId: z.uuid(),
  name: projectNameSchema,
  slug: slugSchema,
});

export const renameProjectSchema = z.object({ name: projectNameSchema });

export const environmentSchema = z.object({
  key: slugSchema,
  name: z.string().trim().min(1, "Name is required").max(60),
  protected: z.boolean().default(false),
});

export const memberRoleSchema = z.enum(["VIEWER", "REVIEWER", "LEAD", "ADMIN"]);

export const addMemberSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address").max(320),
  role: memberRoleSchema,
});
