// The project's flags, one row per flag and environment.
import Link from "next/link";
import type { FlagKind, FlagState } from "@/lib/flags/schemas";
import { badgeClass, kindName, stateStyle, stateText } from "@/components/flags/format";

export type FlagRow = {
  id: string;
  key: string;
  description: string;
  kind: FlagKind;
  environment: { key: string; name: string; protected: boolean; killSwitchOn: boolean };
  state: FlagState;
  rolloutBps: number;
  version: number;
  owner: string | null;
  stale: "expired" | "fully_rolled_out" | null;
  pendingApprovals: number;
  welded: boolean;
};

export const staleText = { expired: "past its expiry", fully_rolled_out: "at 100% for 30+ days" } as const;

export function FlagTable({ rows, slug }: { rows: FlagRow[]; slug: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="px-3 py-2">
              Flag
            </th>
            <th scope="col" className="px-3 py-2">
              Kind
            </th>
            <th scope="col" className="px-3 py-2">
              Environment
            </th>
            <th scope="col" className="px-3 py-2">
              State
            </th>
            <th scope="col" className="px-3 py-2">
              Version
            </th>
            <th scope="col" className="px-3 py-2">
              Owner
            </th>
            <th scope="col" className="px-3 py-2">
              Notes
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr
              key={f.id}
              className="border-t border-slate-100 align-top"
              data-testid="flag-row"
              data-flag-key={f.key}
              data-environment={f.environment.key}
            >
              <td className="px-3 py-2">
                <Link
                  href={`/p/${slug}/flags/${f.id}`}
                  className="font-mono font-medium break-all text-brand-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600"
                >
                  {f.key}
                </Link>
                {f.description ? <p className="mt-0.5 text-xs text-slate-600">{f.description}</p> : null}
              </td>
              <td className="px-3 py-2 whitespace-nowrap">{kindName[f.kind]}</td>
              <td className="px-3 py-2 whitespace-nowrap">
                {f.environment.name}
                {f.environment.protected ? <span className="ml-1 text-xs text-slate-500">(protected)</span> : null}
              </td>
              <td className="px-3 py-2 whitespace-nowrap">
                <span className={`${badgeClass} ${stateStyle[f.state]}`} data-testid="flag-state">
                  {stateText(f.state, f.rolloutBps)}
                </span>
                {f.environment.killSwitchOn && f.state !== "off" ? (
                  <p className="mt-1 text-xs font-medium text-red-700">serving fallback: kill switch on</p>
                ) : null}
              </td>
              <td className="px-3 py-2 tabular-nums">v{f.version}</td>
              <td className="px-3 py-2 text-xs break-all text-slate-600">{f.owner ?? "—"}</td>
              <td className="px-3 py-2">
                <div className="flex flex-wrap gap-1">
                  {f.pendingApprovals > 0 ? (
                    <span className={`${badgeClass} bg-amber-50 text-amber-900 ring-amber-600/30`}>
                      {f.pendingApprovals} awaiting approval
                    </span>
                  ) : null}
                  {f.stale ? (
                    <span className={`${badgeClass} bg-slate-100 text-slate-700 ring-slate-400/30`}>
                      stale: {staleText[f.stale]}
                    </span>
                  ) : null}
                  {f.welded ? (
                    <span className={`${badgeClass} bg-red-50 text-red-800 ring-red-600/30`}>welded off</span>
                  ) : null}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
