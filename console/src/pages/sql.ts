// The SQL page: editor, history (localStorage), and the result as a chart (when it has a
// timestamp and numeric columns) above a paged table; errors with their Riak code.
import { describe, query, tables } from "../api";
import { errorBox } from "../error_box";
import { chartPlan, timeChart } from "../chart";
import { clear, h } from "../dom";
import { createEditor, Editor } from "../editor";
import { columnKinds, columnTypes, resultTable } from "../results";

const HISTORY_KEY = "quanta.console.history";
const DRAFT_KEY = "quanta.console.draft";
const HISTORY_MAX = 50;

function loadHistory(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? "[]");
    return Array.isArray(list) ? list.filter((s) => typeof s === "string") : [];
  } catch {
    return [];
  }
}

function remember(sql: string): void {
  const list = [sql, ...loadHistory().filter((s) => s !== sql)].slice(0, HISTORY_MAX);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
}

// The table a statement reads, for column types (the FROM of a SELECT, DESCRIBE's argument).
function tableOf(sql: string): string | null {
  const m = /\bfrom\s+("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)/i.exec(sql);
  if (!m) return null;
  return m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1];
}

let pending: string | null = null;
// Another page (Tables) asks for a statement to be put in the editor.
export function openInEditor(sql: string): void {
  pending = sql;
  location.hash = "#/sql";
}

const WELCOME = "SHOW TABLES";

export function sqlPage(root: HTMLElement): () => void {
  const output = h("section", { class: "output", "aria-live": "polite" });
  const historyList = h("ol", { class: "history-list" });
  const runButton = h("button", { class: "primary", id: "run", title: "Run (Ctrl+Enter / ⌘+Enter)" }, "Run", h("kbd", {}, isMac() ? "⌘↵" : "Ctrl ↵"));
  const editorHost = h("div", { class: "editor" });
  let running = false;

  const editor: Editor = createEditor(editorHost, pending ?? localStorage.getItem(DRAFT_KEY) ?? WELCOME, run, (text) => {
    localStorage.setItem(DRAFT_KEY, text);
  });
  pending = null;
  runButton.addEventListener("click", run);

  function renderHistory() {
    clear(historyList);
    const list = loadHistory();
    if (list.length === 0) historyList.appendChild(h("li", { class: "muted small" }, "Statements you run appear here."));
    for (const sql of list) {
      historyList.appendChild(h("li", {}, h("button", {
        class: "history-item", title: sql,
        onclick: () => { editor.setText(sql); editor.focus(); },
      }, sql.replace(/\s+/g, " "))));
    }
  }

  async function run() {
    const sql = editor.text().trim();
    if (!sql || running) return;
    running = true;
    runButton.disabled = true;
    clear(output);
    output.appendChild(h("p", { class: "muted" }, "Running…"));
    remember(sql);
    renderHistory();
    try {
      const result = await query(sql);
      const table = tableOf(sql);
      const columnsOf = table ? await describe(table).catch(() => null) : null;
      clear(output);
      const summary = result.statement
        ? "Done"
        : `${result.rows.length.toLocaleString()} row${result.rows.length === 1 ? "" : "s"}`;
      output.appendChild(h("p", { class: "status ok", id: "result-status" }, summary, h("span", { class: "muted" }, ` · ${result.ms.toFixed(0)} ms`)));
      if (result.statement) return;
      const kinds = columnKinds(result.columns, result.rows, columnsOf);
      const plan = chartPlan(kinds);
      if (plan && result.rows.length > 0) output.appendChild(timeChart(result.columns, result.rows, plan));
      output.appendChild(resultTable(result.columns, result.rows, kinds, columnTypes(result.columns, kinds, columnsOf), table ?? "result"));
    } catch (e) {
      clear(output);
      output.appendChild(errorBox(e, "result-error"));
    } finally {
      running = false;
      runButton.disabled = false;
    }
  }

  // Completion of table and column names.
  tables().then(async (names) => {
    const schema: Record<string, string[]> = {};
    for (const name of names.slice(0, 100)) {
      schema[name] = (await describe(name).catch(() => [])).map((c) => c.name);
    }
    editor.setSchema(schema);
  }).catch(() => undefined);

  renderHistory();
  root.appendChild(h("div", { class: "sql-page" },
    h("div", { class: "sql-main" },
      h("header", { class: "page-head" },
        h("h1", {}, "SQL"),
        h("p", { class: "muted" }, "Riak TS SQL against ", h("code", {}, "/ts/v1/query"), ". ",
          h("kbd", {}, isMac() ? "⌘" : "Ctrl"), " + ", h("kbd", {}, "Enter"), " runs the statement.")),
      h("div", { class: "editor-card" }, editorHost, h("div", { class: "editor-actions" }, runButton,
        h("button", { class: "ghost", onclick: () => { editor.setText(""); editor.focus(); } }, "Clear"))),
      output),
    h("aside", { class: "history", "aria-label": "History" },
      h("div", { class: "aside-head" }, h("h2", {}, "History"),
        h("button", { class: "ghost small", onclick: () => { localStorage.removeItem(HISTORY_KEY); renderHistory(); } }, "Clear")),
      historyList)));
  editor.focus();
  return () => editor.view.destroy();
}

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}
