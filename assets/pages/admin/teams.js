// The workshop's teams (班组) and their leaders; a team's leader is one of
// its technicians and does the team check before the final inspection.

import { t, el, api, command } from "../staff/app.js";
import { startAdmin, setupWarnings, editor, field, input, select } from "../staff/kit.js";

startAdmin(async (main) => {
  let techs = [];
  const ed = editor(main, {
    warnings: setupWarnings("teams"),
    title: t("admin.teams.title"),
    newLabel: t("admin.teams.new"),
    saveLabel: t("admin.save"),
    savedText: t("admin.saved"),
    heads: [t("admin.teams.name"), t("admin.teams.leader"), t("admin.teams.members")],
    load: async () => {
      techs = await api("GET", "/api/v1/technicians");
      return api("GET", "/api/v1/teams");
    },
    id: (tm) => tm.id,
    row: (tm) => [
      el("strong", {}, tm.name),
      techs.find((x) => x.id === tm.leader_id)?.name || "—",
      techs.filter((x) => x.team_id === tm.id && x.active).map((x) => x.name).join("、") || "—",
    ],
    formTitle: (tm) => (tm ? t("admin.teams.edit", { name: tm.name }) : t("admin.teams.new")),
    fields: (tm) => {
      // The leader is chosen among the team's technicians (any, for a new team).
      const members = techs.filter((x) => x.active && (!tm || x.team_id === tm.id));
      return [
        field(t("admin.teams.name"), input("name", tm?.name, { required: true, maxlength: 60 })),
        field(t("admin.teams.leader"), select("leader_id", [["", "—"], ...members.map((x) => [x.id, x.name])], tm?.leader_id || "")),
        el("p", { class: "hint" }, t("admin.teams.leader_hint")),
      ];
    },
    send: (tm, f, key) =>
      command({ type: "put_team", team: { id: tm?.id || "", name: f.elements.name.value.trim(), leader_id: f.elements.leader_id.value } }, key),
  });
  await ed.start();
});
