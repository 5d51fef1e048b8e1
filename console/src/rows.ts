// Row count estimates (GET /console/api/tables, a Quanta extension) and how the Tables page
// words them.
import { request } from "./api";

export interface TableRows {
  name: string;
  rows: number | null;  // null: no estimate (not allowed to read the table, or it failed)
  exact: boolean;       // every row was counted
  atLeast: boolean;     // the server could not extrapolate: rows is a lower bound
}

// The estimates by table name; an empty map when the server has none to give (an error is not
// worth a box on the page: the list works without them).
export async function tableRows(): Promise<Map<string, TableRows>> {
  const out = new Map<string, TableRows>();
  try {
    const response = await request("/console/api/tables");
    if (!response.ok) return out;
    const body = (await response.json()) as { tables?: { name: string; rows: number | null; exact?: boolean; at_least?: boolean }[] };
    for (const t of body.tables ?? []) {
      out.set(t.name, { name: t.name, rows: typeof t.rows === "number" ? t.rows : null, exact: t.exact === true, atLeast: t.at_least === true });
    }
  } catch {
    // Unreachable server or an answer that is not JSON: no estimates.
  }
  return out;
}

// "1 row", "1,234 rows" (exact), "≈ 1.2M rows" (an estimate), "≥ 8,192 rows" (a lower bound).
export function rowsLabel(t: TableRows | undefined): string {
  if (!t || t.rows === null) return "";
  const noun = t.rows === 1 ? "row" : "rows";
  if (t.exact) return `${t.rows.toLocaleString("en-US")} ${noun}`;
  if (t.atLeast) return `≥ ${t.rows.toLocaleString("en-US")} ${noun}`;
  return `≈ ${compact(t.rows)} ${noun}`;
}

// Two significant digits with a k, M or G suffix: an estimate shows no more than it knows.
export function compact(n: number): string {
  if (n < 1000) return String(Math.round(n));
  const units: [number, string][] = [[1e9, "G"], [1e6, "M"], [1e3, "k"]];
  for (const [size, suffix] of units) {
    if (n >= size * 0.9995) {
      const v = n / size;
      const digits = v >= 100 ? 0 : v >= 10 ? 0 : 1;
      return `${Number(v.toFixed(digits)).toLocaleString("en-US")}${suffix}`;
    }
  }
  return String(n);
}
