// The shell every page of the dealer group's server shares (bayboard
// group): the catalogs (the shared one and the group's), who is signed in
// and their CSRF token, a "cannot reach the server" notice that follows
// the link, and the API's refusals said in the page's language.
//
//   import { start } from "./app.js";
//   start(async (main, ctx) => { … });   // ctx.user: the signed-in user

import { loadCatalog, t, translate, lang, has } from "../i18n.js";
import { onLinkChange } from "../link.js";
import { el } from "../kit/dom.js";
import { request, useSession } from "../kit/api.js";

export { t, el, lang };

// GroupError is a refused request: its code and fields, its message in
// the page's language when the catalog knows the code.
export class GroupError extends Error {
  constructor(status, problem) {
    const code = problem.code || "";
    super(problemText(code) || problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.fields = problem.errors || [];
  }
}

// problemText says a refusal's code in the page's language; "" for a
// code the group's pages do not name (the server's detail is shown).
function problemText(code) {
  switch (code) {
    case "unauthorized": return t("group.problem.unauthorized");
    case "locked": return t("group.problem.locked");
    case "forbidden": return t("group.problem.forbidden");
    case "invalid": return t("group.problem.invalid");
    case "conflict": return t("group.problem.conflict");
    case "not_found": return t("group.problem.not_found");
    case "offline": return t("group.offline");
    case "internal": return t("group.problem.internal");
  }
  return "";
}

// api sends a call and returns its JSON answer; a refusal throws its
// GroupError, and an ended session goes to the sign-in page.
export async function api(method, path, body) {
  const res = await request(method, path, body);
  if (res.ok) return res.data;
  if (res.status === 401 && !location.pathname.startsWith("/group/signin")) {
    location.href = `/group/signin?next=${encodeURIComponent(location.pathname)}`;
  }
  throw new GroupError(res.status, res.data || {});
}

// The pages' titles, by page.
const TITLES = {
  signin: { key: "group.title_signin" },
  wall: { key: "group.title_wall" },
  compare: { key: "group.title_compare" },
  users: { key: "group.title_users" },
};

// start loads the catalogs, finds who is signed in (except on the sign-in
// page) and draws the page.
export async function start(draw) {
  const root = document.documentElement;
  // The staff's catalog says the server's field rules (staff.rule.*).
  await loadCatalog(root.lang, "group", "staff");
  translate(document);
  document.title = t((TITLES[root.dataset.page] || { key: "group.brand" }).key);
  const link = document.getElementById("link");
  onLinkChange((down) => {
    link.hidden = !down;
    link.textContent = down ? t("group.offline") : "";
  });
  const ctx = { user: null };
  if (root.dataset.page !== "signin") {
    const me = await api("GET", "/group/api/me");
    useSession(me.csrf);
    ctx.user = me.user;
    const who = document.getElementById("who");
    if (who) nameYourself(who, ctx);
    document.getElementById("sign-out")?.addEventListener("click", async () => {
      await api("DELETE", "/group/api/session");
      location.href = "/group/signin";
    });
  }
  const main = document.getElementById("main");
  main.replaceChildren();
  await draw(main, ctx);
}

// whoText is the header's line for the signed-in user: name and role.
function whoText(user) {
  return `${user.name} · ${t(user.role === "director" ? "group.role_director" : "group.role_regional")}`;
}

// nameYourself shows who is signed in in the header; a click opens a
// small form there to change one's own display name (PUT /group/api/me),
// shown at once on success, the refusal at the field otherwise.
function nameYourself(who, ctx) {
  who.textContent = whoText(ctx.user);
  const name = field(t("group.me.name"), el("input", { name: "name", required: true, autocomplete: "name" }));
  const formError = el("span", { class: "form-error", role: "alert" });
  const form = el("form", { class: "rename", hidden: true }, name.box,
    el("button", { type: "submit", text: t("group.save") }),
    el("button", { type: "button", class: "quiet", text: t("group.me.cancel"), onclick: () => close() }), formError);
  const close = () => {
    form.hidden = true;
    who.setAttribute("aria-expanded", "false");
  };
  who.after(form);
  who.setAttribute("aria-expanded", "false");
  who.title = t("group.me.rename");
  who.addEventListener("click", () => {
    if (!form.hidden) return close();
    name.input.value = ctx.user.name;
    showRefusal({ fields: [], message: "" }, { name }, formError);
    form.hidden = false;
    who.setAttribute("aria-expanded", "true");
    name.input.focus();
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const out = await api("PUT", "/group/api/me", { name: name.input.value.trim() });
      ctx.user = out.user;
      who.textContent = whoText(out.user);
      close();
    } catch (err) {
      showRefusal(err, { name }, formError);
    }
  });
}

// field is a labelled input with the place its refusal is shown.
export function field(label, input) {
  const error = el("span", { class: "field-error", role: "alert" });
  const box = el("label", { class: "field" }, el("span", { class: "label", text: label }), input, error);
  return { box, input, error };
}

// ruleText says the server's rule for a field in the page's language when
// the catalogs have it (as the staff's pages do), else as the server wrote it.
function ruleText(message) {
  const key = message.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
  return has(`staff.rule.${key}`) ? t(`staff.rule.${key}`) : message;
}

// showRefusal writes a refusal next to its fields, or under the form.
export function showRefusal(err, fields, formError) {
  for (const f of Object.values(fields)) f.error.textContent = "";
  formError.textContent = "";
  let placed = false;
  for (const fe of err.fields || []) {
    const f = fields[fe.field];
    if (f) {
      f.error.textContent = ruleText(fe.message);
      placed = true;
    }
  }
  formError.textContent = placed ? "" : err.message;
}
