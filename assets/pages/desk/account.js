// My account: every signed-in person's own page — their name, login,
// roles and badge, and the form that changes their password. The header's
// name leads here; it is not in the navigation.

import { start, t, el, notice, passwordForm, roles } from "../staff/app.js";

start("desk", async (main, ctx) => {
  const u = ctx.user;
  const roleName = Object.fromEntries(roles());
  const row = (label, ...value) => [el("dt", {}, label), el("dd", {}, ...value)];
  main.append(
    el("h1", {}, t("desk.account.title")),
    el(
      "section",
      { class: "card account", id: "account" },
      el(
        "dl",
        {},
        row(t("desk.account.name"), u.name),
        row(t("desk.account.login"), u.login),
        row(t("desk.account.roles"), u.roles.map((r) => el("span", { class: "flag", dataset: { role: r } }, roleName[r] || r))),
        u.badge_code ? row(t("desk.account.badge"), u.badge_code) : null,
      ),
    ),
    el(
      "section",
      { class: "card account-password", id: "password" },
      el("h2", {}, t("desk.account.password_title")),
      passwordForm(() => notice(t("staff.password_changed"), "ok")),
    ),
  );
});
