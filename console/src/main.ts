// The Quanta console: a single-page app with three pages (SQL, Tables, Live) switched by the
// URL's hash, so that every page has an address and the server only serves one page.
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { text } from "./api";
import { clear, h } from "./dom";
import { livePage } from "./pages/live";
import { sqlPage } from "./pages/sql";
import { tablesPage } from "./pages/tables";

const PAGES = [
  { hash: "#/sql", label: "SQL", key: "1", icon: "M4 6h16M4 12h10M4 18h7" },
  { hash: "#/tables", label: "Tables", key: "2", icon: "M4 5h16v14H4zM4 10h16M10 10v9" },
  { hash: "#/live", label: "Live", key: "3", icon: "M3 14l4-4 4 4 5-7 5 5" },
];

function icon(path: string): SVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const p = document.createElementNS("http://www.w3.org/2000/svg", "path");
  p.setAttribute("d", path);
  svg.appendChild(p);
  return svg;
}

const main = h("main", { id: "main", tabindex: "-1" });
const links = PAGES.map((p) => h("a", { href: p.hash, title: `${p.label} (Alt+${p.key})` }, icon(p.icon), h("span", {}, p.label), h("kbd", {}, `Alt ${p.key}`)));
const health = h("span", { class: "health", id: "health" }, "…");

document.getElementById("app")!.append(
  h("a", { class: "skip", href: "#main", onclick: (e: Event) => { e.preventDefault(); main.focus(); } }, "Skip to content"),
  h("div", { class: "shell" },
    h("nav", { class: "sidebar", "aria-label": "Pages" },
      h("div", { class: "brand" }, h("img", { src: "/console/favicon.svg", alt: "", width: 26, height: 26 }), h("span", {}, "Quanta")),
      h("div", { class: "nav-links" }, links),
      h("div", { class: "sidebar-foot" }, health, h("span", { class: "muted small" }, location.host))),
    main));

let cleanup: () => void = () => undefined;

function route() {
  const hash = location.hash || "#/sql";
  const [, page = "sql", ...rest] = hash.split("/");
  cleanup();
  clear(main);
  for (const [i, p] of PAGES.entries()) {
    const active = hash.startsWith(p.hash);
    links[i].classList.toggle("active", active);
    if (active) links[i].setAttribute("aria-current", "page");
    else links[i].removeAttribute("aria-current");
  }
  if (page === "tables") {
    const name = rest.length ? decodeURIComponent(rest.join("/")) : null;
    document.title = `${name && name !== "new" ? name : "Tables"} · Quanta`;
    cleanup = tablesPage(main, name === "new" ? "\u0000new" : name);
  } else if (page === "live") {
    document.title = "Live · Quanta";
    cleanup = livePage(main);
  } else {
    document.title = "SQL · Quanta";
    links[0].classList.add("active");
    cleanup = sqlPage(main);
  }
}

window.addEventListener("hashchange", route);
window.addEventListener("keydown", (e) => {
  if (!e.altKey || e.ctrlKey || e.metaKey) return;
  const page = PAGES.find((p) => e.code === `Digit${p.key}`);
  if (page) {
    e.preventDefault();
    location.hash = page.hash;
  }
});
// Charts take their colours when drawn: redraw the Tables and Live pages when the system switches
// light and dark. The SQL page is left alone (it would lose its result); its next chart follows.
window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
  if (!(location.hash || "#/sql").startsWith("#/sql")) route();
});

async function checkHealth() {
  try {
    const ok = (await text("/ping")).trim() === "OK";
    health.textContent = ok ? "Connected" : "Unexpected answer";
    health.className = ok ? "health ok" : "health bad";
  } catch {
    health.textContent = "Not reachable";
    health.className = "health bad";
  }
}
checkHealth();
setInterval(checkHealth, 15000);
route();
