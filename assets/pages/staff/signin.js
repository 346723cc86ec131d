// The sign-in page of the desk and the admin: login and password. After
// signing in, the person goes back to the page that sent them here.

import { loadCatalog, translate } from "../i18n.js";
import { api, el, form, t } from "./app.js";

await loadCatalog(document.documentElement.lang, "staff");
translate(document);

// next is where to go after signing in: a path on this server only.
function next() {
  const n = new URLSearchParams(location.search).get("next") || "";
  return n.startsWith("/") && !n.startsWith("//") && !n.startsWith("/signin") ? n : "/desk";
}

const login = el("input", { name: "login", autocomplete: "username", required: true, autofocus: true });
const password = el("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
const f = el(
  "form",
  { class: "signin card", novalidate: true },
  el("h1", {}, t("staff.signin_title")),
  el("label", {}, el("span", {}, t("staff.login")), login),
  el("label", {}, el("span", {}, t("staff.password")), password),
  el("button", { type: "submit", class: "primary" }, t("staff.sign_in")),
  el("p", { class: "muted" }, t("staff.signin_hint")),
);
form(
  f,
  () => api("POST", "/api/v1/session", { login: login.value.trim(), password: password.value }),
  () => location.assign(next()),
);
document.getElementById("main").replaceChildren(f);
