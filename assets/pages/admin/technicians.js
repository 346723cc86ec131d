// The technicians: name, team, skills (the kinds of bay they work in) and
// the badge they sign in with at a bay kiosk, with its PIN. A badge and
// PIN belong to the technician's account, made here with the badge code
// as its login; a PIN is reset by typing a new one. The badge sheet prints
// every technician's badge card with its QR code.

import { t, el, api, command, ApiError } from "../staff/app.js";
import { startAdmin, setupWarnings, bayKinds, editor, field, input, select, check, checks, checked } from "../staff/kit.js";

startAdmin(async (main) => {
  const kinds = bayKinds();
  const kindName = Object.fromEntries(kinds);
  let teams = [];
  let users = [];
  const userOf = (x) => users.find((u) => u.id === x.user_id);
  const ed = editor(main, {
    warnings: setupWarnings("technicians"),
    title: t("admin.techs.title"),
    newLabel: t("admin.techs.new"),
    saveLabel: t("admin.save"),
    savedText: t("admin.saved"),
    tools: el("a", { href: "/api/v1/documents/badges.pdf", target: "_blank", id: "badges", class: "button" }, t("admin.techs.badge_sheet")),
    heads: [t("admin.techs.name"), t("admin.techs.team"), t("admin.techs.skills"), t("admin.techs.badge"), t("admin.active")],
    load: async () => {
      [teams, users] = await Promise.all([api("GET", "/api/v1/teams"), api("GET", "/api/v1/users")]);
      return api("GET", "/api/v1/technicians");
    },
    id: (x) => x.id,
    row: (x) => [
      el("strong", {}, x.name),
      teams.find((tm) => tm.id === x.team_id)?.name || "—",
      (x.skills || []).map((s) => el("span", { class: "flag" }, kindName[s] || s)),
      userOf(x)?.badge_code || "—",
      x.active ? t("admin.yes") : t("admin.no"),
    ],
    formTitle: (x) => (x ? t("admin.techs.edit", { name: x.name }) : t("admin.techs.new")),
    fields: (x) => [
      field(t("admin.techs.name"), input("name", x?.name, { required: true, maxlength: 60 })),
      field(t("admin.techs.team"), select("team_id", [["", "—"], ...teams.map((tm) => [tm.id, tm.name])], x?.team_id || "")),
      el("span", { class: "hint" }, t("admin.techs.skills")),
      checks("skill", kinds, x?.skills || [], "technician.skills"),
      el("div", { class: "pair" },
        field(t("admin.techs.badge"), input("badge_code", x ? userOf(x)?.badge_code : "", { maxlength: 20, autocomplete: "off" })),
        field(x && userOf(x) ? t("admin.techs.new_pin") : t("admin.techs.pin"), input("pin", "", { inputmode: "numeric", maxlength: 8, autocomplete: "new-password" })),
      ),
      el("p", { class: "hint" }, t("admin.techs.pin_hint")),
      check("active", t("admin.techs.active"), x ? x.active : true),
    ],
    send: async (x, f, key) => {
      const e = f.elements;
      const name = e.name.value.trim();
      const badge = e.badge_code.value.trim();
      const pin = e.pin.value.trim();
      // The domain checks the technician only after the account is made;
      // what it would refuse is checked first, so a refusal saves nothing.
      const problems = [];
      if (!name) problems.push({ field: "name", message: "is required" });
      if (!e.team_id.value) problems.push({ field: "team_id", message: "is not a team" });
      if (badge && !pin && !(x && userOf(x))) problems.push({ field: "pin", message: "is required" });
      if (problems.length) throw new ApiError(400, { code: "invalid", errors: problems });
      let userId = x?.user_id || "";
      const old = x && userOf(x);
      if (badge && (!old || old.badge_code !== badge || pin)) {
        const user = old
          ? { id: old.id, login: old.login, name, phone: old.phone, roles: old.roles, badge_code: badge, active: old.active }
          : { login: badge, name, roles: ["technician"], badge_code: badge, active: true };
        const body = { user };
        if (pin) body.pin = pin;
        userId = (await api("POST", "/api/v1/users", body)).id;
      } else if (old && pin) {
        await api("POST", "/api/v1/users", { user: { id: old.id, login: old.login, name: old.name, phone: old.phone, roles: old.roles, badge_code: old.badge_code, active: old.active }, pin });
      }
      return command(
        { type: "put_technician", technician: { id: x?.id || "", name, team_id: e.team_id.value, skills: checked(f, "skill"), user_id: userId, active: e.active.checked } },
        key,
      );
    },
  });
  await ed.start();
});
