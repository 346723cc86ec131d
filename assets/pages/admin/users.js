// The people who sign in, and their roles. A password is set or reset by
// typing a new one (10 characters or more); secrets go to the server's
// users endpoint, which hashes them, never into the history.

import { t, el, api, roles } from "../staff/app.js";
import { startAdmin, setupWarnings, editor, field, input, check, checks, checked } from "../staff/kit.js";

startAdmin(async (main) => {
  const roleList = roles();
  const roleName = Object.fromEntries(roleList);
  const ed = editor(main, {
    warnings: setupWarnings("users"),
    title: t("admin.users.title"),
    newLabel: t("admin.users.new"),
    saveLabel: t("admin.save"),
    savedText: t("admin.saved"),
    heads: [t("admin.users.login"), t("admin.users.name"), t("admin.users.roles"), t("admin.users.badge"), t("admin.active")],
    load: () => api("GET", "/api/v1/users"),
    id: (u) => u.id,
    row: (u) => [
      u.login,
      el("strong", {}, u.name),
      u.roles.map((r) => el("span", { class: "flag" }, roleName[r] || r)),
      u.badge_code || "",
      [u.active ? t("admin.yes") : t("admin.no"), u.locked ? el("span", { class: "flag red" }, t("admin.users.locked")) : null],
    ],
    formTitle: (u) => (u ? t("admin.users.edit", { name: u.name }) : t("admin.users.new")),
    fields: (u) => [
      el("div", { class: "pair" },
        field(t("admin.users.login"), input("login", u?.login, { required: true, maxlength: 40, autocomplete: "off" })),
        field(t("admin.users.name"), input("name", u?.name, { required: true, maxlength: 60 })),
      ),
      el("div", { class: "pair" },
        field(t("admin.users.phone"), input("phone", u?.phone, { type: "tel" })),
        field(t("admin.users.badge"), input("badge_code", u?.badge_code, { maxlength: 20 })),
      ),
      el("span", { class: "hint" }, t("admin.users.roles")),
      checks("role", roleList, u?.roles || [], "user.roles"),
      el("p", { class: "hint" }, t("admin.users.team_leader_hint")),
      field(u ? t("admin.users.new_password") : t("admin.users.password"), input("password", "", { type: "password", autocomplete: "new-password" })),
      el("p", { class: "hint" }, t("admin.users.password_hint")),
      check("active", t("admin.users.active"), u ? u.active : true),
      ...(u?.locked ? [unlockButton(u)] : []),
    ],
    send: (u, f, key) => {
      const e = f.elements;
      const user = {
        id: u?.id || "",
        login: e.login.value.trim(),
        name: e.name.value.trim(),
        phone: e.phone.value.trim(),
        roles: checked(f, "role"),
        badge_code: e.badge_code.value.trim(),
        active: e.active.checked,
      };
      const body = { user };
      if (e.password.value) body.password = e.password.value;
      return api("POST", "/api/v1/users", body, { "Idempotency-Key": key });
    },
    savedId: (out) => out.id,
  });
  await ed.start();

  // A user locked out by failed sign-ins (someone guessing, or their own
  // typing) is let in again by the manager, at every address.
  function unlockButton(u) {
    const said = el("span", { role: "status" });
    const button = el("button", {
      type: "button",
      class: "unlock",
      onclick: async () => {
        button.disabled = true;
        try {
          await api("POST", `/api/v1/users/${encodeURIComponent(u.id)}/unlock`);
          said.textContent = t("admin.users.unlocked");
          await ed.reload();
        } catch (err) {
          button.disabled = false;
          said.textContent = err.message;
        }
      },
    }, t("admin.users.unlock"));
    return el("p", { class: "locked" }, el("span", { class: "hint" }, t("admin.users.locked_hint")), " ", button, " ", said);
  }
});
