// The login box: when security is enabled (docs/security.md) the server answers 401
// "Authentication failed" until a request carries a user's credentials (HTTP Basic, over
// HTTPS). The console asks for them here, once per browser tab (sessionStorage), and request()
// sends them with every request.
import { h } from "./dom";

const KEY = "quanta.credentials";
let pending: Promise<string> | null = null;

// The stored credentials (base64 of "user:password"), if any.
export function credentials(): string | null {
  return sessionStorage.getItem(KEY);
}

export function forget(): void {
  sessionStorage.removeItem(KEY);
}

// UTF-8, then base64, as HTTP Basic wants it.
function encode(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

// Shows the login box (once, however many requests are waiting) and resolves with the new
// credentials when the user signs in. `failed`: the last ones were refused.
export function login(failed: boolean): Promise<string> {
  if (pending) return pending;
  pending = new Promise<string>((resolve) => {
    const user = h("input", { id: "login-user", name: "username", autocomplete: "username", required: true });
    const password = h("input", {
      id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true,
    });
    const form = h("form", { class: "login-box", "aria-labelledby": "login-title" },
      h("h2", { id: "login-title" }, "Sign in to Quanta"),
      h("p", { class: "muted" }, "Security is enabled on this server: sign in with a user that ",
        h("code", {}, "quanta-admin security"), " created."),
      failed ? h("p", { class: "login-failed", role: "alert" }, "Authentication failed: wrong user name or password.") : null,
      h("label", { for: "login-user" }, "User"), user,
      h("label", { for: "login-password" }, "Password"), password,
      h("button", { type: "submit", class: "primary", id: "login-submit" }, "Sign in"));
    const overlay = h("div", { class: "login-overlay", role: "dialog", "aria-modal": "true" }, form);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = encode(user.value, password.value);
      sessionStorage.setItem(KEY, value);
      overlay.remove();
      pending = null;
      resolve(value);
    });
    document.body.appendChild(overlay);
    user.focus();
  });
  return pending;
}
