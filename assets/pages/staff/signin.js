// The sign-in page of the desk and the admin: login and password. After
// signing in, the person goes back to the page that sent them here. A
// person whose password someone else set (the printed first one, or one a
// manager set) chooses their own here first: the server holds them to it,
// and every page sends them back here until they have.

import { loadCatalog, translate } from "../i18n.js";
import { api, el, form, passwordForm, t, useSession } from "./app.js";

await loadCatalog(document.documentElement.lang, "staff");
translate(document);

const main = document.getElementById("main");

// next is where to go after signing in: a page of this server only,
// whatever the parameter holds. It is read as the browser reads a link
// (which takes "/\\host", "//host" and tabs or newlines inside a path as
// another host) and kept only when it lands on this origin with a path
// that no reader could take for a host ("/.//host" cleans to "//host");
// the full URL goes to location, never the path alone.
export function next(raw = new URLSearchParams(location.search).get("next") || "") {
  const home = new URL("/desk", location.origin).href;
  if (!raw.startsWith("/")) return home;
  let url;
  try {
    url = new URL(raw, location.origin);
  } catch {
    return home;
  }
  if (url.origin !== location.origin || url.pathname.startsWith("//") || url.pathname.startsWith("/signin")) return home;
  return url.href;
}

// mustChange asks for the person's own password, then goes on.
function mustChange(csrf, old) {
  useSession(csrf);
  const f = passwordForm(() => location.assign(next()), old);
  f.classList.add("signin", "card", "must-change");
  f.prepend(el("h1", {}, t("staff.must_change_title")), el("p", {}, t("staff.must_change_hint")));
  main.replaceChildren(f);
  f.elements.new.focus();
}

function signIn() {
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
    (out) => (out.user.must_change_password ? mustChange(out.csrf, password.value) : location.assign(next())),
  );
  main.replaceChildren(f);
}

// A person sent back here while held to a new password is signed in
// already: they are asked for it at once.
let me = null;
try {
  me = await api("GET", "/api/v1/me");
} catch {
  // Not signed in: the sign-in form.
}
if (me?.user.must_change_password) mustChange(me.csrf, "");
else signIn();
