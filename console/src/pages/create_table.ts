// The form that builds a CREATE TABLE: columns, the partition key (with its quantum) and the
// local key, explained next to the fields, with the statement shown before it runs.
import { query, quoteName } from "../api";
import { clear, h } from "../dom";
import { errorBox } from "../error_box";

const TYPES = ["VARCHAR", "SINT64", "DOUBLE", "TIMESTAMP", "BOOLEAN", "BLOB"];
type Role = "none" | "partition" | "local";

interface Field { name: string; type: string; notNull: boolean; role: Role }

export interface Design {
  table: string;
  fields: Field[];
  quantumColumn: string;
  interval: number;
  unit: string;
}

// The statement for a design; Riak's rules are left to the server, which explains violations.
export function createStatement(d: Design): string {
  const fields = d.fields.filter((f) => f.name.trim() !== "");
  const cols = fields.map((f) => `  ${quoteName(f.name.trim())} ${f.type}${f.notNull ? " NOT NULL" : ""}`);
  const quantum = fields.find((f) => f.name.trim() === d.quantumColumn);
  const partition = fields.filter((f) => f.role === "partition" && f !== quantum).map((f) => quoteName(f.name.trim()));
  const local = fields.filter((f) => f.role === "local" && f !== quantum).map((f) => quoteName(f.name.trim()));
  const pk = [...partition];
  if (quantum) pk.push(`QUANTUM(${quoteName(quantum.name.trim())}, ${d.interval}, '${d.unit}')`);
  const lk = [...partition, ...(quantum ? [quoteName(quantum.name.trim())] : []), ...local];
  return `CREATE TABLE ${quoteName(d.table.trim() || "new_table")} (\n${cols.join(",\n")},\n` +
    `  PRIMARY KEY ((${pk.join(", ")}),\n    ${lk.join(", ")})\n)`;
}

export function createTableForm(): HTMLElement {
  const design: Design = {
    table: "sensor_data",
    fields: [
      { name: "site", type: "VARCHAR", notNull: true, role: "partition" },
      { name: "device", type: "VARCHAR", notNull: true, role: "partition" },
      { name: "time", type: "TIMESTAMP", notNull: true, role: "none" },
      { name: "temperature", type: "DOUBLE", notNull: false, role: "none" },
      { name: "humidity", type: "DOUBLE", notNull: false, role: "none" },
    ],
    quantumColumn: "time",
    interval: 15,
    unit: "m",
  };
  const preview = h("pre", { class: "code", id: "create-preview", "aria-live": "polite" });
  const result = h("div", {});
  const rows = h("tbody");
  const quantumSelect = h("select", { id: "quantum-column", "aria-label": "Quantum column" });
  const update = () => {
    preview.textContent = createStatement(design);
    const timestamps = design.fields.filter((f) => f.type === "TIMESTAMP" && f.name.trim());
    clear(quantumSelect);
    for (const f of timestamps) quantumSelect.appendChild(h("option", { value: f.name, selected: f.name === design.quantumColumn }, f.name));
    if (!timestamps.some((f) => f.name === design.quantumColumn) && timestamps.length) {
      design.quantumColumn = timestamps[0].name;
      preview.textContent = createStatement(design);
    }
  };
  quantumSelect.addEventListener("change", () => { design.quantumColumn = quantumSelect.value; update(); });

  const renderRows = () => {
    clear(rows);
    design.fields.forEach((f, i) => {
      const name = h("input", { value: f.name, "aria-label": `Column ${i + 1} name`, spellcheck: "false",
        oninput: (e: Event) => { const old = f.name; f.name = (e.target as HTMLInputElement).value; if (design.quantumColumn === old) design.quantumColumn = f.name; update(); } });
      const type = h("select", { "aria-label": `Column ${i + 1} type`, onchange: (e: Event) => { f.type = (e.target as HTMLSelectElement).value; update(); } },
        TYPES.map((t) => h("option", { value: t, selected: t === f.type }, t)));
      const notNull = h("input", { type: "checkbox", checked: f.notNull, "aria-label": `Column ${i + 1} not null`,
        onchange: (e: Event) => { f.notNull = (e.target as HTMLInputElement).checked; update(); } });
      const role = h("select", { "aria-label": `Column ${i + 1} key`, onchange: (e: Event) => { f.role = (e.target as HTMLSelectElement).value as Role; update(); } },
        [["none", "—"], ["partition", "partition key"], ["local", "local key only"]].map(([v, label]) => h("option", { value: v, selected: v === f.role }, label)));
      const remove = h("button", { class: "ghost small", "aria-label": `Remove column ${f.name || i + 1}`,
        onclick: () => { design.fields.splice(i, 1); renderRows(); update(); } }, "✕");
      rows.appendChild(h("tr", {}, h("td", {}, name), h("td", {}, type), h("td", { class: "center" }, notNull), h("td", {}, role), h("td", {}, remove)));
    });
  };
  renderRows();

  const interval = h("input", { type: "number", min: "1", value: design.interval, id: "quantum-interval", "aria-label": "Quantum size",
    oninput: (e: Event) => { design.interval = Math.max(1, Math.floor(Number((e.target as HTMLInputElement).value) || 1)); update(); } });
  const unit = h("select", { "aria-label": "Quantum unit", onchange: (e: Event) => { design.unit = (e.target as HTMLSelectElement).value; update(); } },
    [["s", "seconds"], ["m", "minutes"], ["h", "hours"], ["d", "days"]].map(([v, label]) => h("option", { value: v, selected: v === design.unit }, label)));
  const nameInput = h("input", { id: "table-name", value: design.table, spellcheck: "false",
    oninput: (e: Event) => { design.table = (e.target as HTMLInputElement).value; update(); } });

  const create = h("button", { class: "primary", id: "create-table", onclick: async () => {
    clear(result);
    create.disabled = true;
    try {
      await query(createStatement(design));
      location.hash = `#/tables/${encodeURIComponent(design.table.trim())}`;
    } catch (e) {
      result.appendChild(errorBox(e));
    } finally {
      create.disabled = false;
    }
  } }, "Create table");

  update();
  return h("div", { class: "create-table" },
    h("header", { class: "page-head" }, h("h1", {}, "New table"),
      h("p", { class: "muted" }, "Riak TS tables have a fixed schema and a primary key in two parts that decide where rows live and in which order.")),
    h("div", { class: "form-grid" },
      h("div", { class: "form-main" },
        h("label", { class: "field" }, h("span", {}, "Table name"), nameInput),
        h("h2", {}, "Columns"),
        h("div", { class: "table-scroll" }, h("table", { class: "grid form-table" },
          h("thead", {}, h("tr", {}, ["Name", "Type", "Not null", "Key", ""].map((c) => h("th", { scope: "col" }, c)))), rows)),
        h("button", { class: "ghost", onclick: () => { design.fields.push({ name: "", type: "DOUBLE", notNull: false, role: "none" }); renderRows(); update(); } }, "+ Add column"),
        h("h2", {}, "Quantum"),
        h("p", { class: "muted small" }, "The quantum column ends the partition key, and follows the partition-key columns in the local key."),
        h("div", { class: "inline-fields" },
          h("label", { class: "field" }, h("span", {}, "Column"), quantumSelect),
          h("label", { class: "field" }, h("span", {}, "Every"), interval),
          h("label", { class: "field" }, h("span", {}, "Unit"), unit)),
        h("h2", {}, "Statement"),
        preview,
        h("div", { class: "actions" }, create),
        result),
      h("aside", { class: "explain" },
        h("h3", {}, "Partition key"),
        h("p", {}, "The columns that pick a series, plus the quantum. Rows with the same partition-key values and in the same quantum are stored together. ",
          "A query names every partition-key column with ", h("code", {}, "="), " (or scans all series) and gives a time range on the quantum column. Key columns must be NOT NULL."),
        h("h3", {}, "Quantum"),
        h("p", {}, "Slices a series by time: with 15 minutes, each quarter hour of a series is one partition. ",
          "Choose it so a typical query reads a few quanta: a query may span at most a bounded number of them."),
        h("h3", {}, "Local key"),
        h("p", {}, "Orders rows inside a partition and identifies them: it repeats the partition-key columns (the quantum column bare), and may add columns. ",
          "Writing a row with an existing local key replaces that row."))));
}
