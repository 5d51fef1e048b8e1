// The Tables page: the list (SHOW TABLES) with each table's row estimate, a table's columns and
// keys (DESCRIBE) and its definition (SHOW CREATE TABLE), and a form that builds a CREATE TABLE.
import { Column, describe, query, quoteName, tables } from "../api";
import { rowsLabel, tableRows, TableRows } from "../rows";
import { errorBox } from "../error_box";
import { clear, copyText, h } from "../dom";
import { createTableForm } from "./create_table";
import { openInEditor } from "./sql";

export function tablesPage(root: HTMLElement, selected: string | null): () => void {
  const list = h("nav", { class: "table-list", "aria-label": "Tables" });
  const detail = h("section", { class: "table-detail" });
  root.appendChild(h("div", { class: "tables-page" },
    h("aside", { class: "tables-aside" },
      h("div", { class: "aside-head" }, h("h2", {}, "Tables"),
        h("a", { class: "button primary small", href: "#/tables/new", id: "new-table" }, "New table")),
      list),
    detail));

  // One estimate request per visit, shared by the list and the table shown.
  const estimates = tableRows();
  Promise.all([tables(), estimates]).then(([names, rows]) => {
    clear(list);
    if (names.length === 0) list.appendChild(h("p", { class: "muted small" }, "No tables yet."));
    for (const name of names) {
      const label = rowsLabel(rows.get(name));
      list.appendChild(h("a", {
        href: `#/tables/${encodeURIComponent(name)}`,
        class: name === selected ? "active" : null,
        "aria-current": name === selected ? "page" : null,
        title: label ? `${name}: ${rowsTitle(rows.get(name)!)}` : null,
      }, h("span", { class: "table-name" }, name), h("span", { class: "rows-estimate" }, label)));
    }
    if (selected === null && names.length > 0) location.replace(`#/tables/${encodeURIComponent(names[0])}`);
    if (selected === null && names.length === 0) showEmpty(detail);
  }).catch((e) => list.appendChild(errorBox(e)));

  if (selected === "\u0000new") {
    detail.appendChild(createTableForm());
  } else if (selected !== null) {
    showTable(detail, selected, estimates);
  }
  return () => undefined;
}

function showEmpty(detail: HTMLElement) {
  clear(detail);
  detail.appendChild(h("div", { class: "empty" },
    h("h1", {}, "No tables yet"),
    h("p", { class: "muted" }, "A Riak TS table fixes its columns and how rows are grouped on disk: create one to start writing data."),
    h("a", { class: "button primary", href: "#/tables/new" }, "Create a table")));
}

// How exact an estimate is, for the list's tooltip and the table's header.
function rowsTitle(t: TableRows): string {
  if (t.exact) return "counted";
  if (t.atLeast) return "at least this many: the server could not extrapolate";
  return "an estimate from the first chunks and the table's size on disk";
}

async function showTable(detail: HTMLElement, name: string, estimates: Promise<Map<string, TableRows>>) {
  detail.appendChild(h("p", { class: "muted" }, "Loading…"));
  try {
    const [columns, create, rows] = await Promise.all([
      describe(name, true),
      query(`SHOW CREATE TABLE ${quoteName(name)}`),
      estimates,
    ]);
    const estimate = rows.get(name);
    const label = rowsLabel(estimate);
    const ddl = String(create.rows[0]?.[0] ?? "");
    clear(detail);
    const copyButton = h("button", { class: "ghost small", onclick: async () => {
      await copyText(ddl);
      copyButton.textContent = "Copied";
      setTimeout(() => (copyButton.textContent = "Copy"), 1200);
    } }, "Copy");
    detail.append(
      h("header", { class: "page-head row" },
        h("div", {}, h("h1", {}, name), h("p", { class: "muted" }, keySummary(columns),
          label ? h("span", { id: "table-rows", title: rowsTitle(estimate!) }, ` · ${label}`) : null)),
        h("button", { class: "primary", onclick: () => openInEditor(sampleSelect(name, columns)) }, "Query in editor")),
      h("h2", {}, "Columns"),
      describeTable(columns),
      h("div", { class: "section-head" }, h("h2", {}, "Definition"), copyButton),
      h("pre", { class: "code", id: "show-create" }, ddl));
  } catch (e) {
    clear(detail);
    detail.appendChild(errorBox(e));
  }
}

function keySummary(columns: Column[]): string {
  const pk = columns.filter((c) => c.partitionKey !== null).sort((a, b) => a.partitionKey! - b.partitionKey!);
  const quantum = columns.find((c) => c.interval !== null);
  const parts = pk.map((c) => (c === quantum ? `${c.name} in quanta of ${c.interval} ${unitName(c.unit)}` : c.name));
  return `${columns.length} columns · partitioned by ${parts.join(", ") || "nothing"}`;
}

function unitName(unit: string | null): string {
  return ({ s: "seconds", m: "minutes", h: "hours", d: "days" } as Record<string, string>)[unit ?? ""] ?? unit ?? "";
}

function describeTable(columns: Column[]): HTMLElement {
  return h("div", { class: "table-scroll" }, h("table", { class: "grid describe" },
    h("thead", {}, h("tr", {}, ["Column", "Type", "Nullable", "Partition key", "Local key", "Quantum"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, columns.map((c) => h("tr", {},
      h("td", { class: "mono" }, c.name),
      h("td", {}, h("span", { class: `type type-${c.type}` }, c.type)),
      h("td", {}, c.nullable ? "yes" : h("span", { class: "muted" }, "not null")),
      h("td", {}, c.partitionKey !== null ? h("span", { class: "badge" }, `PK ${c.partitionKey}`) : ""),
      h("td", {}, c.localKey !== null ? h("span", { class: "badge soft" }, `LK ${c.localKey}${c.order ? " " + c.order : ""}`) : ""),
      h("td", {}, c.interval !== null ? `${c.interval} ${unitName(c.unit)}` : ""))))));
}

// A SELECT over the last hour that names every partition-key column, ready to edit.
function sampleSelect(table: string, columns: Column[]): string {
  const quantum = columns.find((c) => c.interval !== null);
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
  const where: string[] = [];
  if (quantum) where.push(`${quoteName(quantum.name)} >= '${iso(now - 3600_000)}'`, `${quoteName(quantum.name)} < '${iso(now)}'`);
  return `SELECT * FROM ${quoteName(table)}\nWHERE ${where.join("\n  AND ")}\nLIMIT 1000`;
}
