// Data out of the box: the jobs opened in a period as a spreadsheet (CSV)
// or in full (JSON), every event of the period, a backup of the whole
// data file, and the printed QR sheets (one poster per bay, the
// technicians' badge cards).

import { t, el, clearErrors, showErrors } from "../staff/app.js";
import { startAdmin, field, input, isoDate, daysAgo } from "../staff/kit.js";

startAdmin(async (main, ctx) => {
  const tz = ctx.settings.time_zone;
  const from = input("from", daysAgo(29, tz), { type: "date", required: true });
  const to = input("to", isoDate(new Date(), tz), { type: "date", required: true });
  const link = (id, text, path) => el("a", { id, class: "button", href: path, download: "" }, text);
  const periodLinks = [
    link("jobs-csv", t("admin.export.jobs_csv"), ""),
    link("jobs-json", t("admin.export.jobs_json"), ""),
    link("events-json", t("admin.export.events_json"), ""),
  ];
  const paths = ["/api/v1/export/jobs.csv", "/api/v1/export/jobs.json", "/api/v1/export/events.json"];
  const period = el(
    "form",
    { novalidate: true, class: "card", id: "period" },
    el("h2", {}, t("admin.export.period_title")),
    el("div", { class: "pair" }, field(t("admin.export.from"), from), field(t("admin.export.to"), to)),
    el("p", { class: "hint" }, t("admin.export.period_hint")),
    el("div", { class: "links" }, periodLinks),
  );
  // The links follow the period; a period that ends before it starts (or
  // is longer than a year) is said next to its field and the links wait.
  const update = () => {
    clearErrors(period);
    const bad = !from.value || !to.value || to.value < from.value || (new Date(to.value) - new Date(from.value)) / 864e5 > 365;
    if (bad) showErrors(period, { fields: [{ field: "to", message: t("admin.export.period_invalid") }] });
    periodLinks.forEach((a, i) => {
      a.href = bad ? "#" : `${paths[i]}?from=${from.value}&to=${to.value}`;
      a.setAttribute("aria-disabled", bad ? "true" : "false");
    });
  };
  from.addEventListener("change", update);
  to.addEventListener("change", update);
  period.addEventListener("submit", (e) => e.preventDefault());
  update();

  const whole = el(
    "div",
    { class: "card" },
    el("h2", {}, t("admin.export.backup_title")),
    el("p", { class: "hint" }, t("admin.export.backup_hint")),
    el("div", { class: "links" }, link("backup", t("admin.export.backup"), "/api/v1/backup")),
    el("h2", {}, t("admin.export.sheets_title")),
    el(
      "div",
      { class: "links" },
      el("a", { id: "bay-sheet", class: "button", href: "/api/v1/documents/bay-sheet.pdf", target: "_blank" }, t("admin.export.bay_sheet")),
      el("a", { id: "badge-sheet", class: "button", href: "/api/v1/documents/badges.pdf", target: "_blank" }, t("admin.export.badge_sheet")),
    ),
  );
  main.append(el("h1", {}, t("admin.export.title")), el("div", { class: "grid2" }, period, whole));
});
