// Kill: the flag serves its fallback to everyone until someone re-enables it
// (which widens, so needs approval in a protected environment).
import "server-only";
import type { Actor } from "@/lib/auth/actor-types";
import type { MitigationInput } from "@/lib/flags/schemas";
import { applyMitigation } from "@/lib/flags/mitigate";
import type { ChangeResult } from "@/lib/flags/write-change";

export async function killFlag(actor: Actor, projectId: string, input: MitigationInput): Promise<{ results: ChangeResult[] }> {
  return applyMitigation(actor, projectId, input, { name: "kill", narrow: (config) => ({ ...config, enabled: false }) });
}
