"use server";
// Server actions of the flag console: session → service. The services check
// membership and permission, decide whether a change applies or waits for a
// second person, and record the audit events; these turn form fields into
// their inputs and their results into a sentence for the person who acted.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { bpsOfPercent } from "@/lib/triage-settings/units";
import { createFlag } from "@/lib/flags/create-flag";
import { getFlag } from "@/lib/flags/get-flag";
import { changeFlag } from "@/lib/flags/change-flag";
import { killFlag } from "@/lib/flags/kill-flag";
import { cutRollout } from "@/lib/flags/cut-rollout";
import { revertFlag } from "@/lib/flags/revert-flag";
import { approveFlagVersion } from "@/lib/flags/approve-flag-version";
import { rejectFlagVersion } from "@/lib/flags/reject-flag-version";
import { setEnvironmentKillSwitch } from "@/lib/flags/set-environment-kill-switch";
import { setFlagCostCeiling } from "@/lib/flags/set-cost-ceiling";
import { setFlagGate } from "@/lib/flags/set-flag-gate";
import { FULL_ROLLOUT_BPS, type FlagConfig, type FlagConfigInput, type FlagKind } from "@/lib/flags/schemas";
import type { ChangeResult } from "@/lib/flags/write-change";

export type CreatedFlagLink = {
  id: string;
  environmentKey: string;
  status: ChangeResult["status"];
  version: number | null;
};

const str = (form: FormData, key: string) => String(form.get(key) ?? "").trim();
const optional = (form: FormData, key: string) => str(form, key) || undefined;
const percentOf = (bps: number) => `${bps / 100}%`;

/** A rollout typed as a percentage, as basis points; the issue names the form field. */
const rolloutField = z.object({
  rolloutPercent: z.string().transform((text, ctx) => {
    const bps = bpsOfPercent(text);
    if (bps === null) {
      ctx.addIssue({ code: "custom", message: "Enter a percentage from 0 to 100 with at most two decimals" });
      return z.NEVER;
    }
    return bps;
  }),
});

const expectedVersionOf = (form: FormData) => {
  const v = Number(form.get("expectedVersion"));
  return Number.isInteger(v) && v > 0 ? v : undefined;
};

function done<T>(message: string, data?: T): ActionResult<T> {
  // Both the list and the flag pages show versions, states and pending counts.
  revalidatePath("/p/[project]/flags", "layout");
  return { ok: true, message, ...(data === undefined ? {} : { data }) };
}

function changeMessage(r: ChangeResult, applied: string): string {
  if (r.status === "UNCHANGED") return `Nothing changed: ${r.flagKey} already has this configuration.`;
  if (r.status === "PENDING_APPROVAL") {
    return `Version ${r.version} is waiting for a second person's approval; ${r.flagKey} keeps serving version ${r.currentVersion} until then.`;
  }
  return `Version ${r.version} applied: ${applied}.`;
}

export async function createFlagAction(
  projectId: string,
  _prev: ActionResult<CreatedFlagLink[]>,
  form: FormData,
): Promise<ActionResult<CreatedFlagLink[]>> {
  return runAction(async () => {
    const kind = str(form, "kind");
    const enabled = form.get("enabled") === "on";
    const rolloutBps =
      kind === "KILL_SWITCH"
        ? FULL_ROLLOUT_BPS
        : rolloutField.parse({ rolloutPercent: str(form, "rolloutPercent") }).rolloutPercent;
    let config: FlagConfigInput = { enabled, rolloutBps };
    if (kind === "MULTIVARIATE") {
      const variantsError = 'Give the variants as a JSON object, such as {"short": "…", "long": "…"}';
      let variants: unknown;
      try {
        variants = JSON.parse(str(form, "variants"));
      } catch {
        return { ok: false, error: variantsError, fieldErrors: { "config.variants": variantsError } };
      }
      config = {
        ...config,
        variants: variants as FlagConfigInput["variants"],
        defaultVariant: str(form, "defaultVariant"),
        fallbackVariant: str(form, "fallbackVariant"),
      };
    }
    // Without this the service would read "no environments" as "every environment".
    const environmentIds = form.getAll("environmentIds").map(String);
    if (environmentIds.length === 0) {
      const error = "Pick at least one environment";
      return { ok: false, error, fieldErrors: { environmentIds: error } };
    }
    const key = str(form, "key");
    const { flags } = await createFlag(await requireSessionActor(), projectId, {
      key,
      kind: kind as FlagKind,
      description: str(form, "description"),
      owner: optional(form, "owner"),
      expiresAt: optional(form, "expiresAt"),
      environmentIds,
      config,
      reason: str(form, "reason"),
      ticketUrl: optional(form, "ticketUrl"),
    });
    const where = flags.map((f) =>
      f.status === "PENDING_APPROVAL" ? `${f.environmentKey} (enabling waits for approval)` : f.environmentKey,
    );
    return done(
      `Created ${key} in ${where.join(", ")}.`,
      flags.map((f) => ({ id: f.flagId, environmentKey: f.environmentKey, status: f.status, version: f.version })),
    );
  });
}

export async function setKillSwitchAction(
  projectId: string,
  environmentId: string,
  on: boolean,
  form: FormData,
): Promise<ActionResult> {
  return runAction(async () => {
    const r = await setEnvironmentKillSwitch(await requireSessionActor(), projectId, {
      environmentId,
      on,
      reason: str(form, "reason"),
      ticketUrl: optional(form, "ticketUrl"),
    });
    if (r.status === "UNCHANGED")
      return done(`The kill switch of ${r.environmentKey} was already ${on ? "on" : "off"}; nothing changed.`);
    if (r.status === "PENDING_APPROVAL")
      return done(`Requested: ${r.environmentKey} is protected, so the kill switch stays on until someone else approves lifting it.`);
    if (r.status === "REJECTED") return done(`The request to lift the kill switch of ${r.environmentKey} was turned down; it stays on.`);
    return done(
      on
        ? `Kill switch on: every flag in ${r.environmentKey} now serves its fallback.`
        : `Kill switch off: flags in ${r.environmentKey} serve their own configuration again.`,
    );
  });
}

/** Rollout or on/off, applied to the configuration the person was looking at (expectedVersion guards it). */
export async function changeFlagAction(projectId: string, flagId: string, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireSessionActor();
    const flag = await getFlag(actor, projectId, flagId);
    const change = str(form, "change");
    let config: FlagConfig;
    let applied: string;
    if (change === "rollout") {
      const { rolloutPercent } = rolloutField.parse({ rolloutPercent: str(form, "rolloutPercent") });
      config = { ...flag.config, rolloutBps: rolloutPercent };
      applied = `${flag.key} rolls out to ${percentOf(rolloutPercent)}`;
    } else if (change === "enabled") {
      const enabled = form.get("enabled") === "true";
      config = { ...flag.config, enabled };
      applied = `${flag.key} is ${enabled ? "enabled" : "disabled"}`;
    } else {
      return { ok: false, error: "Unknown change" };
    }
    const r = await changeFlag(actor, projectId, {
      flagId,
      config,
      reason: str(form, "reason"),
      ticketUrl: optional(form, "ticketUrl"),
      expectedVersion: expectedVersionOf(form),
    });
    return done(changeMessage(r, applied));
  });
}

type FlagDetailOf = Awaited<ReturnType<typeof getFlag>>;

/** Kill and cut share everything but the service and the sentence: both narrow one flag in its environment. */
function mitigationAction(
  service: typeof killFlag | typeof cutRollout,
  applied: (flag: FlagDetailOf, r: ChangeResult) => string,
): (projectId: string, flagId: string, form: FormData) => Promise<ActionResult> {
  return (projectId, flagId, form) =>
    runAction(async () => {
      const actor = await requireSessionActor();
      const flag = await getFlag(actor, projectId, flagId);
      const { results } = await service(actor, projectId, {
        flagKey: flag.key,
        environmentId: flag.environment.id,
        reason: str(form, "reason"),
        ticketUrl: optional(form, "ticketUrl"),
      });
      const r = results[0]!;
      return done(changeMessage(r, applied(flag, r)));
    });
}

const killFlagMitigation = mitigationAction(killFlag, (flag) => `${flag.key} is killed in ${flag.environment.key} and serves its fallback to everyone`);
const cutRolloutMitigation = mitigationAction(
  cutRollout,
  (flag, r) => `${flag.key} is cut from ${percentOf(flag.config.rolloutBps)} to ${percentOf(r.exposureBps)}`,
);

export async function killFlagAction(projectId: string, flagId: string, form: FormData): Promise<ActionResult> {
  return killFlagMitigation(projectId, flagId, form);
}

export async function cutRolloutAction(projectId: string, flagId: string, form: FormData): Promise<ActionResult> {
  return cutRolloutMitigation(projectId, flagId, form);
}

export async function revertFlagAction(
  projectId: string,
  flagId: string,
  toVersion: number,
  form: FormData,
): Promise<ActionResult> {
  return runAction(async () => {
    const r = await revertFlag(await requireSessionActor(), projectId, {
      flagId,
      toVersion,
      reason: str(form, "reason"),
      ticketUrl: optional(form, "ticketUrl"),
      expectedVersion: expectedVersionOf(form),
    });
    return done(changeMessage(r, `${r.flagKey} has the configuration of version ${toVersion} again`));
  });
}

export async function approveFlagVersionAction(projectId: string, versionId: string): Promise<ActionResult> {
  return runAction(async () => {
    const r = await approveFlagVersion(await requireSessionActor(), projectId, versionId);
    return done(
      `Approved: version ${r.version} of ${r.flagKey} is applied (${percentOf(r.exposureBps)} of traffic exposed by the rollout).`,
    );
  });
}

export async function rejectFlagVersionAction(
  projectId: string,
  versionId: string,
  form: FormData,
): Promise<ActionResult> {
  return runAction(async () => {
    const r = await rejectFlagVersion(await requireSessionActor(), projectId, versionId, {
      reason: str(form, "reason"),
    });
    return done(`Rejected version ${r.version} of ${r.flagKey}; it stays at version ${r.currentVersion}.`);
  });
}

/** Sets the per-user hourly cost ceiling (an amount), or removes it (`remove=1`). */
export async function setCostCeilingAction(projectId: string, flagId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireSessionActor();
    const remove = str(form, "remove") === "1";
    const usdPerUserHour = remove
      ? null
      : z
          .object({ usdPerUserHour: z.coerce.number({ error: "Enter an amount, e.g. 0.50" }).finite().positive("Enter an amount above zero") })
          .parse({ usdPerUserHour: str(form, "usdPerUserHour") || undefined }).usdPerUserHour;
    const r = await setFlagCostCeiling(actor, projectId, { flagId, usdPerUserHour, reason: str(form, "reason") });
    if (r.status === "UNCHANGED") return done("Nothing changed: the flag already has this ceiling.");
    return done(usdPerUserHour === null ? "Cost ceiling removed." : `Cost ceiling set to ${usdPerUserHour} per user per hour.`);
  });
}

export async function setFlagGateAction(projectId: string, flagId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireSessionActor();
    const remove = str(form, "remove") === "1";
    const candidate = remove ? null : str(form, "candidate");
    const r = await setFlagGate(actor, projectId, { flagId, candidate, reason: str(form, "reason") });
    if (r.status === "UNCHANGED") return done("Nothing changed.");
    return done(candidate === null ? "Release gate removed." : `Widening in protected environments now needs a passing gate run for ${candidate}.`);
  });
}
