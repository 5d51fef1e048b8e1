// An error as the console shows it: the Riak code when there is one, the HTTP status, Riak's text.
import { ApiError } from "./api";
import { h } from "./dom";

export function errorBox(e: unknown, id?: string): HTMLElement {
  const error = e instanceof ApiError ? e : new ApiError(0, null, String(e));
  return h("div", { class: "error", role: "alert", id: id ?? null },
    h("div", { class: "error-code" }, error.riakCode !== null ? `Riak error ${error.riakCode}` : "Error",
      error.status ? h("span", { class: "muted" }, ` · HTTP ${error.status}`) : null),
    h("pre", {}, error.message));
}
