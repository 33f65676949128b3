// How the gate pages word statuses and rates.
const style: Record<string, string> = {
  PASSED: "bg-green-50 text-green-800 ring-green-600/30",
  FAILED: "bg-red-50 text-red-800 ring-red-600/30",
  INCONCLUSIVE: "bg-amber-50 text-amber-900 ring-amber-600/30",
  PENDING: "bg-slate-50 text-slate-700 ring-slate-500/30",
};

export function GateStatusBadge({ status }: { status: string }) {
  return (
    <span data-testid="gate-status" className={`inline-flex rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style[status] ?? style.PENDING}`}>
      {status.toLowerCase()}
    </span>
  );
}

export const pct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${(v * 100).toLocaleString("en", { maximumFractionDigits: 2 })} %`);
