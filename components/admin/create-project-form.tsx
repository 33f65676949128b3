"use client";
import { useActionState, useState } from "react";
import Link from "next/link";
import { createProjectAction } from "@/app/admin/projects/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";

const slugify = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);

export function CreateProjectForm({ orgId }: { orgId: string }) {
  const [state, action] = useActionState(createProjectAction, idleResult as ActionResult<{ slug: string }>);
  const [slug, setSlug] = useState("");
  const [touched, setTouched] = useState(false);
  return (
    <ActionForm dispatch={action} state={state} className="space-y-3">
      <h3 className="text-sm font-semibold">New project</h3>
      <input type="hidden" name="orgId" value={orgId} />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <Field label="Name" name="project-name" error={state.ok ? undefined : state.fieldErrors?.name}>
          <input id="project-name" name="name" required className={inputClass} onChange={(e) => !touched && setSlug(slugify(e.target.value))} />
        </Field>
        <Field label="Slug" name="project-slug" error={state.ok ? undefined : state.fieldErrors?.slug}>
          <input
            id="project-slug"
            name="slug"
            required
            value={slug}
            onChange={(e) => {
              setTouched(true);
              setSlug(e.target.value);
            }}
            className={inputClass}
          />
        </Field>
        <SubmitButton>Create project</SubmitButton>
      </div>
      <FormMessage state={state} />
      {state.ok && state.data ? (
        <Link href={`/p/${state.data.slug}/admin`} className="text-sm font-medium text-brand-700 underline">
          Open {state.data.slug}
        </Link>
      ) : null}
    </ActionForm>
  );
}
