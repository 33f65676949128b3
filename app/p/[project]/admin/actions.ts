"use server";
// Server actions of the project admin pages. Each one goes session → service;
// the service checks membership and permission and records the audit event.
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { createEnvironment, renameProject, setEnvironmentProtected } from "@/lib/projects/update-project";
import { addMember, changeMemberRole, removeMember } from "@/lib/members/manage-members";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { memberRoleSchema } from "@/lib/projects/schemas";
import { eraseSubject } from "@/lib/privacy/erase-subject";

const str = (form: FormData, key: string) => String(form.get(key) ?? "");

export async function renameProjectAction(projectId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    await renameProject(await requireSessionActor(), projectId, { name: str(form, "name") });
    revalidatePath("/p", "layout");
    return { ok: true, message: "Project renamed." };
  });
}

export async function createEnvironmentAction(projectId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    await createEnvironment(await requireSessionActor(), projectId, {
      key: str(form, "key"),
      name: str(form, "name"),
      protected: form.get("protected") === "on",
    });
    revalidatePath("/p", "layout");
    return { ok: true, message: "Environment created." };
  });
}

export async function toggleProtectedAction(projectId: string, environmentId: string, value: boolean): Promise<ActionResult> {
  return runAction(async () => {
    await setEnvironmentProtected(await requireSessionActor(), projectId, environmentId, value);
    revalidatePath("/p", "layout");
    return { ok: true };
  });
}

export async function addMemberAction(
  projectId: string,
  _prev: ActionResult<{ temporaryPassword: string | null; email: string }>,
  form: FormData,
): Promise<ActionResult<{ temporaryPassword: string | null; email: string }>> {
  return runAction(async () => {
    const email = str(form, "email");
    const result = await addMember(await requireSessionActor(), projectId, { email, role: memberRoleSchema.parse(str(form, "role")) });
    revalidatePath("/p", "layout");
    return { ok: true, message: `Added ${email.trim().toLowerCase()}.`, data: { temporaryPassword: result.temporaryPassword, email } };
  });
}

export async function changeRoleAction(projectId: string, membershipId: string, role: string): Promise<ActionResult> {
  return runAction(async () => {
    await changeMemberRole(await requireSessionActor(), projectId, membershipId, memberRoleSchema.parse(role));
    revalidatePath("/p", "layout");
    return { ok: true, message: "Role changed." };
  });
}

export async function removeMemberAction(projectId: string, membershipId: string): Promise<ActionResult> {
  return runAction(async () => {
    await removeMember(await requireSessionActor(), projectId, membershipId);
    revalidatePath("/p", "layout");
    return { ok: true, message: "Member removed." };
  });
}

export async function createApiKeyAction(
  projectId: string,
  _prev: ActionResult<{ key: string; name: string }>,
  form: FormData,
): Promise<ActionResult<{ key: string; name: string }>> {
  return runAction(async () => {
    const environmentId = str(form, "environmentId");
    const created = await createApiKey(await requireSessionActor(), projectId, {
      name: str(form, "name"),
      scopes: form.getAll("scopes").map(String),
      environmentId: environmentId || null,
    });
    revalidatePath("/p", "layout");
    return { ok: true, data: { key: created.key, name: created.name } };
  });
}

export async function revokeApiKeyAction(projectId: string, keyId: string): Promise<ActionResult> {
  return runAction(async () => {
    await revokeApiKey(await requireSessionActor(), projectId, keyId);
    revalidatePath("/p", "layout");
    return { ok: true, message: "Key revoked." };
  });
}

export async function eraseSubjectAction(
  projectId: string,
  _prev: ActionResult,
  form: FormData,
): Promise<ActionResult> {
  return runAction(async () => {
    const result = await eraseSubject(await requireSessionActor(), projectId, { userId: str(form, "userId"), reason: str(form, "reason") });
    return {
      ok: true,
      message:
        result.keysShredded > 0
          ? `Erased: ${result.keysShredded} key(s) destroyed; the originals of ${result.interactions} interaction(s) can no longer be read.`
          : `No stored originals for that user (${result.interactions} interaction(s), redacted copies only). The request is recorded.`,
    };
  });
}
