// A release candidate as one canonical string: the model version, the
// prompt-template version and/or the flag variant it ships, in a fixed order,
// so that runs, baselines and flags name the same candidate the same way.
// Client-safe.
import { z } from "zod";

const part = z.string().min(1).max(200).regex(/^[^;=@\s][^;\s]*$/, "no spaces or semicolons");

export const candidateSchema = z
  .object({
    model: z.object({ provider: part, id: part, version: part.optional() }).optional(),
    promptTemplate: z.object({ id: part, version: part.optional() }).optional(),
    flag: z.object({ key: part, variant: part }).optional(),
  })
  .refine((c) => c.model || c.promptTemplate || c.flag, "name at least one of model, promptTemplate, flag");
export type Candidate = z.infer<typeof candidateSchema>;

export function candidateKey(c: Candidate): string {
  const parts: string[] = [];
  if (c.model) parts.push(`model=${c.model.provider}/${c.model.id}${c.model.version ? `@${c.model.version}` : ""}`);
  if (c.promptTemplate) parts.push(`template=${c.promptTemplate.id}${c.promptTemplate.version ? `@${c.promptTemplate.version}` : ""}`);
  if (c.flag) parts.push(`flag=${c.flag.key}=${c.flag.variant}`);
  return parts.join(";");
}

/** A candidate given as its key on a command line or in a form: checked for shape. */
export const candidateKeySchema = z
  .string()
  .trim()
  .min(1)
  .max(700)
  .regex(/^(model=[^;\s]+|template=[^;\s]+|flag=[^;\s]+=[^;\s]+)(;(model=[^;\s]+|template=[^;\s]+|flag=[^;\s]+=[^;\s]+))*$/, "looks like model=openai/gpt-4.1@2025-04-14;template=support-answer@3");
