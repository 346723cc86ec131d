// The shell every staff page shares: who is signed in, the API with its
// CSRF token and problem answers, forms that show each error next to its
// field and act once however often they are sent. The element builder,
// the API client, money and the shop's time come from the pages' shared
// kit (../kit/) and are passed on here for the staff's pages.
//
// A page module calls start with its catalog area and a function that
// draws the page into <main>:
//
//   import { start } from "/assets/staff/app.js";
//   start("desk", async (main, ctx) => { … });
//
// ctx holds the signed-in user (ctx.user, with roles), the command types
// their roles allow (ctx.may, from the server) and the shop's settings
// (ctx.settings).

import { loadCatalog, t, translate, lang, has } from "../i18n.js";
import { onLinkChange } from "../link.js";
import { el } from "../kit/dom.js";
import { request, newKey, sendCommand, useSession } from "../kit/api.js";
import { money, when, setZone } from "../kit/format.js";

export { t, translate, lang, el, newKey, money, when, useSession };

// ApiError is a refused request: the server's problem+json, with the
// field errors it names. Its message is said in the page's language, from
// the catalogs' text for the problem's code (staff.problem.{code}); the
// server's English detail is kept apart (detail) for a log or a tooltip,
// and shown only for a code the catalogs do not know.
export class ApiError extends Error {
  constructor(status, problem) {
    super(problemMessage(status, problem));
    this.status = status;
    this.code = problem.code || "";
    this.detail = problem.detail || problem.title || "";
    this.fields = problem.errors || [];
    this.reason = problem.reason || ""; // print_failed: unreachable, rejected, timeout
  }
}

function problemMessage(status, problem) {
  const code = problem.code || "";
  if (code && has(`staff.problem.${code}`)) return t(`staff.problem.${code}`);
  if (status >= 500) return t("staff.problem.internal");
  return problem.detail || problem.title || `HTTP ${status}`;
}

// api sends a request and returns its JSON answer (null for 204); a
// refusal throws its ApiError. A session that has ended sends the person
// to the sign-in page. A body that is a file (a Blob) is sent as it is;
// anything else as JSON.
export async function api(method, path, body, headers = {}) {
  return answer(await request(method, path, body, headers));
}

function answer(res) {
  if (res.status === 0) throw new ApiError(0, res.data);
  if (res.status === 401 && !location.pathname.startsWith("/signin")) {
    toSignIn();
    throw new ApiError(401, { code: "unauthorized" });
  }
  if (!res.ok) {
    const err = new ApiError(res.status, res.data && typeof res.data === "object" ? res.data : { detail: res.data });
    // A person who must set a new password does that first, on the
    // sign-in page, and comes back.
    if (err.code === "password_change_required" && !location.pathname.startsWith("/signin")) toSignIn();
    throw err;
  }
  return res.data;
}

function toSignIn() {
  location.assign("/signin?next=" + encodeURIComponent(location.pathname + location.search));
}

// roles lists every role as [value, name], in the server's order.
export function roles() {
  return [
    ["manager", t("staff.role.manager")],
    ["advisor", t("staff.role.advisor")],
    ["controller", t("staff.role.controller")],
    ["team_leader", t("staff.role.team_leader")],
    ["technician", t("staff.role.technician")],
    ["qc_inspector", t("staff.role.qc_inspector")],
    ["parts_clerk", t("staff.role.parts_clerk")],
    ["washer", t("staff.role.washer")],
    ["cashier", t("staff.role.cashier")],
    ["followup", t("staff.role.followup")],
  ];
}

// passwordForm is the form that changes one's own password: the current
// one, the new one and the new one again. The server names the field of
// each refusal (a wrong current password, a new one too short or the same
// as the old, the two new ones not matching). done runs once it is changed.
export function passwordForm(done, old = "") {
  const pw = (name, label, autocomplete) => {
    const i = el("input", { name, type: "password", autocomplete, required: true });
    return [i, el("label", {}, el("span", {}, label), i)];
  };
  const [oldInput, oldLabel] = pw("old", t("staff.password_old"), "current-password");
  const [newInput, newLabel] = pw("new", t("staff.password_new"), "new-password");
  const [againInput, againLabel] = pw("new_again", t("staff.password_new_again"), "new-password");
  oldInput.value = old;
  const f = el(
    "form",
    { class: "password", novalidate: true },
    oldLabel,
    newLabel,
    againLabel,
    el("p", { class: "muted" }, t("staff.password_hint")),
    el("button", { type: "submit", class: "primary" }, t("staff.password_change")),
  );
  form(
    f,
    () => api("POST", "/api/v1/me/password", { old: oldInput.value, new: newInput.value, new_again: againInput.value }),
    async () => {
      f.reset();
      await done();
    },
  );
  return f;
}

// command gives one command; key, when given, makes a repeat act once.
export async function command(cmd, key) {
  return answer(await sendCommand(cmd, key));
}

// start signs the page in, fills the header, and draws the page.
export async function start(area, draw) {
  // The navigation names pages of both areas (a manager sees the admin's
  // on the desk), so their catalogs are loaded too.
  const areas = ["staff"];
  for (const a of [area, ...Array.from(document.querySelectorAll(".nav a"), (n) => n.pathname.split("/")[1])]) {
    if (a && a !== "staff" && !areas.includes(a)) areas.push(a);
  }
  await loadCatalog(document.documentElement.lang, ...areas);
  translate(document);
  // On a phone the navigation is one row scrolled sideways: this page's
  // name is brought into it.
  const current = document.querySelector(".nav a[aria-current=page]");
  const nav = current?.parentElement;
  if (nav && nav.scrollWidth > nav.clientWidth) nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
  onLinkChange(showLink);
  const main = document.getElementById("main");
  let me;
  try {
    me = await api("GET", "/api/v1/me");
  } catch (e) {
    if (e.status === 401) return;
    main.replaceChildren(el("p", { class: "error" }, e.message));
    return;
  }
  useSession(me.csrf);
  if (me.user.must_change_password) {
    toSignIn();
    return;
  }
  const settings = await api("GET", "/api/v1/settings");
  // Times show in the shop's zone, whatever the zone of this PC.
  setZone(settings.time_zone);
  const who = document.getElementById("who");
  if (who) {
    who.textContent = me.user.name;
    who.title = t("staff.my_account");
  }
  document.getElementById("sign-out")?.addEventListener("click", signOut);
  loopbackWarning(me.user, me.base_url);
  main.replaceChildren();
  // data-drawn says the page has drawn what it first loaded (or failed
  // to): a test waits for it rather than for time to pass.
  try {
    await draw(main, { user: me.user, may: me.may, settings, area, baseURL: me.base_url });
    document.body.dataset.drawn = "ok";
  } catch (e) {
    main.append(el("p", { class: "error" }, e.message));
    document.body.dataset.drawn = "failed";
    throw e;
  }
}

// loopbackWarning says above the page, on the desk and the admin's pages,
// that the QR codes printed now would carry this machine's own address
// (localhost, 127.x, ::1), which no phone can open. The server decides
// what the codes carry and whether it is loopback (/me's base_url).
// A page that changes the base URL calls it again with the new answer.
export function loopbackWarning(user, base) {
  document.getElementById("loopback-warning")?.remove();
  if (!base || !base.loopback) return;
  const url = { url: base.effective };
  const text = base.configured ? t("staff.loopback.configured", url) : t("staff.loopback.derived", url);
  const fix = user.roles.includes("manager") && !location.pathname.startsWith("/admin/settings")
    ? el("a", { href: "/admin/settings" }, t("staff.loopback.fix"))
    : null;
  document.getElementById("main").before(el("p", { class: "banner warn", id: "loopback-warning", role: "alert" }, text, fix ? " " : "", fix));
}

async function signOut() {
  try {
    await api("DELETE", "/api/v1/session");
  } finally {
    location.assign("/signin");
  }
}

// showLink keeps a banner under the header while the server cannot be
// reached; it goes by itself when the server answers again.
function showLink(down) {
  const box = document.getElementById("notices");
  if (!box) return;
  let banner = document.getElementById("link-down");
  if (!down) {
    banner?.remove();
    return;
  }
  if (!banner) {
    banner = el("p", { class: "notice alert", id: "link-down", role: "alert" }, el("span", {}, t("staff.link_down")));
    box.prepend(banner);
  }
}

// form wires a <form>: on submit it clears old errors, calls send with the
// form's key, and shows a refusal's field errors next to their fields
// (an input whose name, or data-field, is the field the server names)
// and any other error at the top of the form. The submit buttons are
// disabled while sending, and the key stays the same until a send
// succeeds, so a double submit or a retry acts once. A send that could
// not reach the server says it was not confirmed, with a button that
// sends it again with the same key: however the first one ended, the
// server acts once.
export function form(f, send, done) {
  let key = newKey();
  let busy = false;
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    clearErrors(f);
    const buttons = f.querySelectorAll("button[type=submit], button:not([type])");
    buttons.forEach((b) => (b.disabled = true));
    try {
      const out = await send(key);
      key = newKey();
      if (done) await done(out);
    } catch (e) {
      showErrors(f, e);
    } finally {
      busy = false;
      buttons.forEach((b) => (b.disabled = false));
    }
  });
}

export function clearErrors(f) {
  f.querySelectorAll(".field-error, .form-error").forEach((n) => n.remove());
  f.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
}

// showErrors puts each field error next to its field; what matches no
// field is said at the top of the form.
export function showErrors(f, e) {
  const loose = [];
  for (const fe of e.fields || []) {
    const input = fieldFor(f, fe.field);
    if (!input) {
      loose.push(ruleText(fe.message, e));
      continue;
    }
    input.setAttribute("aria-invalid", "true");
    const msg = el("span", { class: "field-error", role: "alert" }, ruleText(fe.message));
    (input.closest("label") || input).after(msg);
  }
  if (e.code === "offline") {
    const resend = el("button", { type: "button", class: "small resend", onclick: () => f.requestSubmit() }, t("staff.resend"));
    f.prepend(el("p", { class: "form-error offline", role: "alert" }, el("span", {}, t("staff.not_confirmed")), resend));
    resend.focus();
    return;
  }
  if (loose.length || !(e.fields || []).length) {
    const text = loose.length ? loose.join(lang() === "en" ? "; " : "；") : problemText(e);
    f.prepend(el("p", { class: "form-error", role: "alert" }, text));
  }
  f.querySelector("[aria-invalid]")?.focus();
}

// The server says what is wrong with a field in English. The common
// sayings are in the catalogs as staff.rule.{the saying in snake case};
// the rest show as the server wrote them.
// A saying the catalogs lack shows as the server wrote it, or, when the
// refusal is given, as what the refusal means.
export function ruleText(message, e) {
  const slug = (m) => m.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
  let key = slug(message);
  if (has(`staff.rule.${key}`)) return t(`staff.rule.${key}`);
  // A saying with a number in it ("is longer than 200 characters") is in
  // the catalogs with n for the number.
  const n = message.match(/\d+/);
  key = n && slug(message.replace(/\d+/, "n"));
  if (key && has(`staff.rule.${key}`)) return t(`staff.rule.${key}`, { n: n[0] });
  // One with a placeholder in braces ("names {vin}, which this message
  // cannot use") is in the catalogs with p for it.
  const p = message.match(/\{[^{}]*\}/);
  key = p && slug(message.replace(p[0], "p"));
  if (key && has(`staff.rule.${key}`)) return t(`staff.rule.${key}`, { p: p[0] });
  return e ? e.message : message;
}

// problemText says what a refusal means, in the page's language.
export function problemText(e) {
  return e.message;
}

// fieldFor finds the input for a field the server names: by data-field,
// then by name, then by the field's last part (estimate.requests → requests).
function fieldFor(f, field) {
  const esc = CSS.escape(field);
  return (
    f.querySelector(`[data-field="${esc}"]`) ||
    f.querySelector(`[name="${esc}"]`) ||
    f.querySelector(`[name="${CSS.escape(field.split(".").pop())}"]`)
  );
}

// notice shows a short message under the header for a few seconds.
export function notice(text, kind = "info") {
  const box = document.getElementById("notices");
  if (!box) return;
  const n = el("p", { class: `notice ${kind}` }, text);
  box.append(n);
  setTimeout(() => n.remove(), 6000);
}
