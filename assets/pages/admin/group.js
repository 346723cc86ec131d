// The dealer group link: where the store publishes its events (the
// group's NATS servers), its id in the group, the user and password the
// group gave it, the contacts policy, and whether it publishes. The
// password is typed here and never shown again: the page learns only
// that one is set. Above the form, the link's state: connected or not,
// the events waiting (the backlog), the last error and the last success,
// asked again every few seconds while the page is open.

import { t, el, form, api, notice, when } from "../staff/app.js";
import { startAdmin, field, input, check } from "../staff/kit.js";

// refreshEvery is how often the state is asked again: a backlog falling
// after an outage is seen going down.
const refreshEvery = 2000;

startAdmin(async (main) => {
  const state = el("div", { class: "card", id: "group-state" });
  const box = el("div", { id: "group-link" });
  main.append(el("h1", {}, t("admin.group.title")), el("p", { class: "hint" }, t("admin.group.intro")), state, box);

  const drawState = (v) => state.replaceChildren(...stateOf(v));
  const load = async () => api("GET", "/api/v1/group-link");
  const first = await load();
  drawState(first);
  box.replaceChildren(linkForm(first));
  const timer = setInterval(async () => {
    if (!state.isConnected) return clearInterval(timer);
    try {
      drawState(await load());
    } catch {
      // The next turn asks again; the page's own notice says the server is away.
    }
  }, refreshEvery);

  function stateOf(v) {
    const s = v.status;
    const out = [el("h2", {}, t("admin.group.state"))];
    if (!v.set || !s.active) {
      out.push(el("p", { class: "flag", id: "group-connected", "data-state": "off" }, v.set ? t("admin.group.inactive") : t("admin.group.not_set")));
      if (s.backlog > 0 && v.set) out.push(el("p", { class: "hint" }, t("admin.group.waiting_inactive", { n: s.backlog })));
      return out;
    }
    out.push(el("p", {},
      s.connected
        ? el("span", { class: "flag green", id: "group-connected", "data-state": "connected" }, t("admin.group.connected"))
        : el("span", { class: "flag red", id: "group-connected", "data-state": "down" }, t("admin.group.down")),
      s.backlog > 0
        ? el("span", { class: "flag yellow", id: "group-backlog", "data-backlog": String(s.backlog) }, t("admin.group.backlog", { n: s.backlog }))
        : el("span", { class: "flag green", id: "group-backlog", "data-backlog": "0" }, t("admin.group.up_to_date"))));
    out.push(el("p", { class: "hint" }, t("admin.group.cursor", { cursor: s.cursor, last: s.last_seq })));
    out.push(el("p", { class: "hint" }, s.last_success_at ? t("admin.group.last_success", { at: when(s.last_success_at) }) : t("admin.group.never_published")));
    // An error since the last success is the link's state; an older one,
    // mended since, is only history.
    if (s.last_error) {
      const current = !s.last_success_at || new Date(s.last_error_at) > new Date(s.last_success_at);
      out.push(el(current ? "div" : "p", { class: current ? "error" : "hint", id: current ? "group-error" : "group-past-error" },
        t("admin.group.last_error", { at: when(s.last_error_at), error: s.last_error })));
    }
    return out;
  }

  function linkForm(v) {
    const l = v.link;
    const f = el("form", { novalidate: true, class: "card", "data-set": String(v.set) },
      el("h2", {}, t("admin.group.link")),
      field(t("admin.group.urls"), input("urls", l.urls, { placeholder: "nats://group.example.cn:4222", autocomplete: "off", "data-field": "link.urls" })),
      el("p", { class: "hint" }, t("admin.group.urls_hint")),
      field(t("admin.group.store_id"), input("store_id", l.store_id, { placeholder: "bj-01", autocomplete: "off", "data-field": "link.store_id" })),
      el("p", { class: "hint" }, t("admin.group.store_id_hint")),
      field(t("admin.group.username"), input("username", l.username, { autocomplete: "off", "data-field": "link.username" })),
      field(t("admin.group.secret"), input("secret", "", { type: "password", autocomplete: "new-password", "data-field": "secret",
        placeholder: v.secret_set ? t("admin.group.secret_kept") : "" })),
      el("p", { class: "hint", "data-secret-set": String(v.secret_set) }, v.secret_set ? t("admin.group.secret_set") : t("admin.group.secret_missing")),
      v.secret_set ? check("clear_secret", t("admin.group.clear_secret"), false) : null,
      check("contacts", t("admin.group.contacts"), l.contacts),
      el("p", { class: "hint" }, t("admin.group.contacts_hint")),
      check("active", t("admin.group.active"), v.set ? l.active : true),
      el("p", { class: "hint" }, t("admin.group.active_hint")),
      el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary" }, t("admin.save"))));
    form(
      f,
      () => {
        const e = f.elements;
        return api("PUT", "/api/v1/group-link", {
          urls: e.urls.value.trim(), store_id: e.store_id.value.trim(), username: e.username.value.trim(), secret: e.secret.value,
          clear_secret: !!e.clear_secret?.checked, contacts: e.contacts.checked, active: e.active.checked,
        });
      },
      async (saved) => {
        notice(t("admin.saved"), "ok");
        drawState(saved);
        box.replaceChildren(linkForm(saved));
      },
    );
    return f;
  }
});
