// The shape every dashboard answers with: tiles, then charts whose data is a
// plain table (so each chart's data downloads as CSV as it is). Client-safe.

export const DASHBOARDS = ["safety", "operations", "incidents", "quality", "releases", "cost", "roi"] as const;
export type DashboardName = (typeof DASHBOARDS)[number];

export const DASHBOARD_TITLES: Record<DashboardName, string> = {
  safety: "Safety",
  operations: "Operations",
  incidents: "Incidents",
  quality: "Classifier quality",
  releases: "Releases",
  cost: "Cost and latency",
  roi: "ROI",
};

export type Cell = string | number | null;
export type Format = "int" | "num" | "rate1k" | "pct" | "ms" | "usd" | "duration" | "text" | "time";
export type Column = { key: string; label: string; format: Format };

export type Chart = {
  id: string;
  title: string;
  description?: string;
  /** line/area over time (x is a time column), bar per category, or a table only. */
  kind: "line" | "bar" | "table";
  x?: string;
  /** Column keys drawn as series. */
  series?: string[];
  columns: Column[];
  rows: Record<string, Cell>[];
  emptyText: string;
};

export type Tile = { label: string; value: Cell; format: Format; hint?: string };

export type ResolvedRange = {
  from: string;
  to: string;
  preset: string | null;
  /** Rollup rows read: minute or hour. */
  grain: "m" | "h";
  /** Width of a point on time charts. */
  stepMs: number;
};

export type Dashboard = {
  name: DashboardName;
  title: string;
  description: string;
  range: ResolvedRange;
  tiles: Tile[];
  charts: Chart[];
  notes: string[];
  /** ROI: the flags and variants to choose from, and the chosen ones. */
  choices?: { flags: string[]; flag: string | null; variants: string[]; control: string | null };
};
