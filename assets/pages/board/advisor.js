// The advisor's job list (服务顾问): every open job, whose it is, where it
// stands, whether it keeps its promise, and what waits on the customer or
// the parts counter. ?advisor=user-2 shows one advisor's jobs.

import { startScreen, el, t, plate, stageName, pauseText, flagName } from "./screen.js";

let layout = null;
const only = new URLSearchParams(location.search).get("advisor");

function skeleton(main) {
  const rows = el("div", { class: "trows" });
  const pager = el("span", { class: "pager" });
  const head = el("h2");
  main.replaceChildren(
    el("section", { class: "panel table advisor" },
      el("div", { class: "panel-head" }, head, pager),
      el("div", { class: "trow thead" },
        el("span", { text: t("advisor.plate") }), el("span", { text: t("advisor.model") }), el("span", { text: t("advisor.customer") }), el("span", { text: t("advisor.advisor") }),
        el("span", { text: t("advisor.bay") }), el("span", { text: t("advisor.stage") }), el("span", { text: t("advisor.waiting_on") }),
        el("span", { text: t("time.promised") }), el("span", { text: t("time.eta") }), el("span", { text: t("advisor.flags") })),
      rows),
  );
  return { rows, pager, head };
}

function jobRow(j, s) {
  const waits = [];
  if (j.findings_awaiting) waits.push(t("advisor.findings", { n: j.findings_awaiting }));
  if (j.parts_open) waits.push(t("advisor.parts", { n: j.parts_open }));
  const stage = j.pause && j.stage === "paused" ? pauseText(j.pause) : stageName(j.stage);
  return el("div", { class: "trow" },
    plate(j.plate, "strong"),
    el("span", { class: "muted", text: j.model }),
    el("span", { text: j.customer }),
    el("span", { text: j.advisor }),
    el("span", { text: j.bay || "—" }),
    el("span", { class: `stage-chip stage-${j.stage}`, text: stage }),
    el("span", { class: "muted", text: waits.join(" · ") || (j.techs.length ? j.techs.join(" ") : "") }),
    el("span", { class: "strong", text: s.at(j.promised_at) }),
    el("span", { class: j.flags.includes("late") ? "strong late-text" : "strong", text: s.at(j.eta) }),
    el("span", {}, j.flags.map((f) => el("span", { class: `chip flag-${f}`, text: flagName(f) }))),
  );
}

function draw(model, s) {
  if (!layout || !s.main.contains(layout.rows)) layout = skeleton(s.main);
  const c = model.head.counts;
  s.setFigures([
    { key: "fig.reception", value: c.reception },
    { key: "fig.in_repair", value: c.in_repair },
    { key: "fig.waiting_approval", value: c.waiting_approval, tone: c.waiting_approval ? "yellow" : "" },
    { key: "fig.ready", value: c.ready, tone: c.ready ? "green" : "" },
    { key: "fig.late", value: c.late + c.at_risk, tone: c.late ? "red" : c.at_risk ? "yellow" : "" },
  ]);
  const jobs = model.lists.jobs.filter((j) => !only || j.advisor_id === only);
  layout.head.textContent = t("advisor.title", { n: jobs.length });
  const page = s.page("jobs", jobs, s.fits(layout.rows, "--row"));
  layout.rows.replaceChildren(...(page.items.length ? page.items.map((j) => jobRow(j, s)) : [el("div", { class: "none", text: t("advisor.none") })]));
  layout.pager.textContent = page.label;
}

startScreen(draw, { pageEveryMs: 15000 });
