// The group's people (the director's page): each user's role and, for a
// regional manager, the stores they see. A new user, or one given a new
// password, gets a one-time password shown here once.

import { start, api, t, el, field, showRefusal } from "./app.js";

function storesOf(text) {
  return text.split(/[\s,，]+/).map((s) => s.trim()).filter(Boolean);
}

function roleSelect(value) {
  const s = el("select", { name: "role" },
    el("option", { value: "regional", text: t("group.role_regional") }),
    el("option", { value: "director", text: t("group.role_director") }));
  s.value = value || "regional";
  return s;
}

start(async (main, ctx) => {
  const list = el("div", { class: "users" });
  const notice = el("p", { class: "notice", role: "status" });
  main.append(el("h1", { text: t("group.title_users") }), notice, list, addForm());

  function addForm() {
    const f = {
      login: field(t("group.login"), el("input", { name: "login", required: true })),
      name: field(t("group.name"), el("input", { name: "name", required: true })),
      role: field(t("group.role"), roleSelect("regional")),
      stores: field(t("group.stores"), el("input", { name: "stores", placeholder: "bj-01, bj-02" })),
    };
    const formError = el("p", { class: "form-error", role: "alert" });
    const form = el("form", { class: "card add-user" }, el("h2", { text: t("group.users.add") }), ...Object.values(f).map((x) => x.box), formError,
      el("button", { type: "submit", text: t("group.users.add") }));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const out = await api("POST", "/group/api/users", { login: f.login.input.value.trim(), name: f.name.input.value.trim(),
          role: f.role.input.value, stores: storesOf(f.stores.input.value) });
        notice.textContent = t("group.users.one_time", { login: out.user.login, password: out.password });
        form.reset();
        await load();
      } catch (err) {
        showRefusal(err, f, formError);
      }
    });
    return form;
  }

  function row(u) {
    const role = roleSelect(u.role);
    const stores = el("input", { name: "stores", value: (u.stores || []).join(", ") });
    const active = el("input", { type: "checkbox", name: "active", checked: u.active });
    const error = el("span", { class: "form-error", role: "alert" });
    const send = async (reset) => {
      try {
        const out = await api("PUT", `/group/api/users/${encodeURIComponent(u.id)}`, { login: u.login, name: u.name, role: role.value,
          stores: storesOf(stores.value), active: active.checked, reset_password: reset });
        if (out.password) notice.textContent = t("group.users.one_time", { login: out.user.login, password: out.password });
        await load();
      } catch (err) {
        error.textContent = err.message;
      }
    };
    const self = ctx.user.id === u.id;
    return el("tr", { dataset: { user: u.login } },
      el("td", { text: u.login }), el("td", { text: u.name }), el("td", {}, role),
      el("td", {}, stores), el("td", {}, active),
      el("td", {}, u.locked ? el("span", { class: "badge", text: t("group.users.locked") }) : ""),
      el("td", {}, el("button", { type: "button", text: t("group.save"), disabled: self, onclick: () => send(false) }),
        el("button", { type: "button", class: "quiet", text: t("group.users.reset"), disabled: self, onclick: () => send(true) }), error));
  }

  async function load() {
    const out = await api("GET", "/group/api/users");
    list.replaceChildren(el("table", { class: "users-table" },
      el("thead", {}, el("tr", {}, ...[t("group.login"), t("group.name"), t("group.role"), t("group.stores"), t("group.users.active"), t("group.users.state"), t("group.users.actions")]
        .map((text) => el("th", { text })))),
      el("tbody", {}, ...out.users.map(row))));
  }
  await load();
});
