// A query result as a paged table (copy as TSV, download as CSV), and the kind of each column,
// which decides whether the result can be drawn as a chart.
import { Column } from "./api";
import { copyText, download, h, clear } from "./dom";

export type Kind = "timestamp" | "number" | "string" | "boolean" | "blob" | "empty";

// Result JSON carries no types: a column that names a table column takes that column's type;
// any other (an alias, an aggregate) is judged by its values, and counts as a timestamp when
// its name says so and its values are epoch milliseconds.
export function columnKinds(names: string[], rows: unknown[][], table: Column[] | null): Kind[] {
  return names.map((name, i) => {
    const column = table?.find((c) => c.name === name);
    if (column) {
      switch (column.type) {
        case "timestamp": return "timestamp";
        case "sint64": case "double": return "number";
        case "boolean": return "boolean";
        case "blob": return "blob";
        default: return "string";
      }
    }
    let kind: Kind = "empty";
    let epochLike = true;
    for (const row of rows) {
      const v = row[i];
      if (v === null || v === undefined) continue;
      const k: Kind = typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "string";
      if (kind !== "empty" && kind !== k) return "string";
      kind = k;
      if (k === "number") epochLike &&= Number.isInteger(v) && (v as number) > 1e11 && (v as number) < 1e13;
    }
    if (kind === "number" && epochLike && /time|^ts$|date/i.test(name)) return "timestamp";
    return kind;
  });
}

// The header label of each column: the table's type for a table column, else the kind seen.
export function columnTypes(names: string[], kinds: Kind[], table: Column[] | null): string[] {
  return names.map((name, i) => table?.find((c) => c.name === name)?.type ?? (kinds[i] === "empty" ? "" : kinds[i]));
}

export function formatCell(value: unknown, kind: Kind): string {
  if (value === null || value === undefined) return "";
  if (kind === "timestamp" && typeof value === "number") {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().replace("T", " ").replace("Z", "");
  }
  return String(value);
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// Values as the server sent them (timestamps in epoch milliseconds): lossless, re-importable.
export function toCsv(columns: string[], rows: unknown[][]): string {
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) lines.push(row.map(csvField).join(","));
  return lines.join("\r\n") + "\r\n";
}

function toTsv(columns: string[], rows: unknown[][], kinds: Kind[]): string {
  const clean = (s: string) => s.replace(/[\t\r\n]/g, " ");
  const lines = [columns.map(clean).join("\t")];
  for (const row of rows) lines.push(row.map((v, i) => clean(formatCell(v, kinds[i]))).join("\t"));
  return lines.join("\n") + "\n";
}

const PAGE = 100;

// `types`: what each column's header says it holds (Riak's type where known).
export function resultTable(columns: string[], rows: unknown[][], kinds: Kind[], types: string[], name = "result"): HTMLElement {
  let page = 0;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const body = h("tbody");
  const status = h("span", { class: "muted" });
  const prev = h("button", { class: "ghost", "aria-label": "Previous page", onclick: () => show(page - 1) }, "‹ Prev");
  const next = h("button", { class: "ghost", "aria-label": "Next page", onclick: () => show(page + 1) }, "Next ›");
  const copyButton = h("button", { class: "ghost", onclick: async () => {
    await copyText(toTsv(columns, rows, kinds));
    copyButton.textContent = "Copied";
    setTimeout(() => (copyButton.textContent = "Copy"), 1200);
  } }, "Copy");
  const csvButton = h("button", { class: "ghost", onclick: () => download(`${name}.csv`, toCsv(columns, rows), "text/csv") }, "CSV");

  function show(p: number) {
    page = Math.min(Math.max(p, 0), pages - 1);
    clear(body);
    const end = Math.min(rows.length, (page + 1) * PAGE);
    for (let r = page * PAGE; r < end; r++) {
      const row = rows[r];
      body.appendChild(h("tr", {}, row.map((v, i) => {
        const numeric = kinds[i] === "number" || kinds[i] === "timestamp";
        if (v === null || v === undefined) return h("td", { class: "null" }, "null");
        return h("td", { class: numeric ? "num" : null, title: kinds[i] === "timestamp" ? String(v) : null }, formatCell(v, kinds[i]));
      })));
    }
    status.textContent = rows.length === 0 ? "No rows"
      : `Rows ${(page * PAGE + 1).toLocaleString()}–${end.toLocaleString()} of ${rows.length.toLocaleString()}`;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }
  show(0);

  const head = h("thead", {}, h("tr", {}, columns.map((c, i) =>
    h("th", { scope: "col", class: kinds[i] === "number" || kinds[i] === "timestamp" ? "num" : null },
      c, h("span", { class: "kind" }, types[i])))));
  return h("div", { class: "result-table" },
    h("div", { class: "toolbar" }, status, h("span", { class: "spacer" }),
      pages > 1 ? [prev, next] : null, copyButton, csvButton),
    h("div", { class: "table-scroll" }, h("table", { class: "grid" }, head, body)));
}
