// The SQL editor: CodeMirror 6 with SQL highlighting (colours from the page's theme variables,
// so it follows light and dark), completion of keywords, tables and columns, and Mod-Enter to run.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { bracketMatching, HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { sql, SQLDialect, StandardSQL } from "@codemirror/lang-sql";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers, placeholder } from "@codemirror/view";
import { tags } from "@lezer/highlight";

// Riak TS words on top of standard SQL.
const Riak = SQLDialect.define({
  ...StandardSQL.spec,
  keywords: StandardSQL.spec.keywords + " quantum describe show tables explain if exists limit offset asc desc " +
    "group order by",
  types: "varchar sint64 double timestamp boolean blob",
});

const style = HighlightStyle.define([
  { tag: tags.keyword, color: "var(--syn-keyword)", fontWeight: "600" },
  { tag: [tags.typeName, tags.standard(tags.name)], color: "var(--syn-type)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--syn-string)" },
  { tag: [tags.number, tags.bool, tags.null], color: "var(--syn-number)" },
  { tag: tags.comment, color: "var(--muted)", fontStyle: "italic" },
  { tag: [tags.operator, tags.punctuation], color: "var(--syn-punct)" },
  { tag: tags.name, color: "var(--fg)" },
]);

const theme = EditorView.theme({
  "&": { fontSize: "14px", backgroundColor: "var(--panel)", color: "var(--fg)" },
  ".cm-content": { fontFamily: "var(--mono)", caretColor: "var(--accent)", padding: "10px 0" },
  ".cm-gutters": { backgroundColor: "var(--panel)", color: "var(--muted)", border: "none" },
  ".cm-activeLine": { backgroundColor: "var(--hover)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--hover)" },
  "&.cm-focused .cm-cursor": { borderLeftColor: "var(--accent)" },
  "&.cm-focused": { outline: "none" },
  ".cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection": { backgroundColor: "var(--selection) !important" },
  ".cm-tooltip": { backgroundColor: "var(--panel)", border: "1px solid var(--border)", color: "var(--fg)" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": { backgroundColor: "var(--accent)", color: "#fff" },
  ".cm-matchingBracket": { backgroundColor: "var(--selection)", outline: "none" },
});

export interface Editor {
  view: EditorView;
  text(): string;
  setText(text: string): void;
  setSchema(schema: Record<string, string[]>): void;
  focus(): void;
}

export function createEditor(parent: HTMLElement, initial: string, onRun: () => void, onChange: (text: string) => void): Editor {
  const language = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: initial,
      extensions: [
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => { onRun(); return true; } }])),
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        closeBrackets(),
        autocompletion({ icons: false }),
        language.of(sql({ dialect: Riak, upperCaseKeywords: true })),
        syntaxHighlighting(style),
        theme,
        placeholder("SELECT … FROM … WHERE time >= … AND time < …"),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": "SQL editor" }),
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u.state.doc.toString()); }),
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: text.length } }),
    setSchema: (schema) => view.dispatch({ effects: language.reconfigure(sql({ dialect: Riak, upperCaseKeywords: true, schema })) }),
    focus: () => view.focus(),
  };
}
