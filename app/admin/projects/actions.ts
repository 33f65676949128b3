"use server";
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { createProject } from "@/lib/projects/create-project";

export async function createProjectAction(_prev: ActionResult<{ slug: string }>, form: FormData): Promise<ActionResult<{ slug: string }>> {
  return runAction(async () => {
    const project = await createProject(await requireSessionActor(), {
      orgId: String(form.get("orgId") ?? ""),
      name: String(form.get("name") ?? ""),
      slug: String(form.get("slug") ?? ""),
    });
    revalidatePath("/", "layout");
    return { ok: true, message: `Created ${project.name}.`, data: { slug: project.slug } };
  });
}
