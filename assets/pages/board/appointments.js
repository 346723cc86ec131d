// The appointment board (预约服务看板): today's and tomorrow's bookings,
// whether each customer is expected, has arrived, is late or did not come,
// and the prep checklist of each.

import { startScreen, el, t, plate, stageName } from "./screen.js";

let layout = null;

function column(title) {
  const head = el("h2");
  const pager = el("span", { class: "pager" });
  const rows = el("div", { class: "trows" });
  const panel = el("section", { class: "panel" },
    el("div", { class: "panel-head" }, head, pager),
    el("div", { class: "trow thead" },
      el("span", { text: t("appts.time") }), el("span", { text: t("appts.plate") }), el("span", { text: t("appts.work") }),
      el("span", { text: t("appts.advisor") }), el("span", { text: t("appts.status") }), el("span", { text: t("appts.prep") })),
    rows);
  return { panel, head, pager, rows, titleKey: title.key };
}

function skeleton(main) {
  const today = column({ key: "appts.today" });
  const tomorrow = column({ key: "appts.tomorrow" });
  // The prep chips are one character each (料/位/顾): the legend under
  // the columns says what each stands for.
  const legend = el("div", { class: "legend prep-legend", id: "prep-legend" },
    el("span", { text: t("appts.prep") }),
    el("span", {}, tick(true, t("appts.prep_parts")), " ", t("appts.legend_parts")),
    el("span", {}, tick(true, t("appts.prep_bay")), " ", t("appts.legend_bay")),
    el("span", {}, tick(true, t("appts.prep_advisor")), " ", t("appts.legend_advisor")),
    el("span", {}, tick(false, t("appts.prep_parts")), " ", t("appts.legend_not_yet")));
  main.replaceChildren(el("div", { class: "appts-wrap" }, el("div", { class: "cols appts" }, today.panel, tomorrow.panel), legend));
  return { today, tomorrow };
}

function tick(done, label) {
  return el("span", { class: `tick ${done ? "yes" : "no"}`, text: label });
}

function slotRow(a, s) {
  // An arrived car says where it is now (its stage names it arrived).
  const status = a.status === "arrived" && a.stage ? stageName(a.stage) : t(`appts.${a.status}`);
  return el("div", { class: "trow" },
    el("span", { class: "strong", text: s.time(new Date(a.at)) }),
    plate(a.plate, "plate"),
    el("span", {}, el("span", { text: a.model }), " ", el("span", { class: "muted", text: a.work })),
    el("span", { text: a.advisor }),
    el("span", { class: `status status-${a.status}`, text: status }),
    el("span", { class: "prep" },
      tick(a.prep.parts_staged, t("appts.prep_parts")),
      tick(a.prep.bay_assigned, t("appts.prep_bay")),
      tick(a.prep.advisor_assigned, t("appts.prep_advisor"))),
  );
}

function fill(col, slots, date, s) {
  col.head.textContent = t(col.titleKey, { date, n: slots.length });
  const page = s.page(col.titleKey, slots, s.fits(col.rows, "--row"));
  col.rows.replaceChildren(...(page.items.length ? page.items.map((a) => slotRow(a, s)) : [el("div", { class: "none", text: t("appts.none") })]));
  col.pager.textContent = page.label;
}

function draw(model, s) {
  if (!layout || !s.main.contains(layout.today.panel)) layout = skeleton(s.main);
  const head = model.head;
  const c = head.counts;
  s.setFigures([
    { key: "fig.expected", value: c.expected },
    { key: "fig.arrived", value: c.arrived, tone: "green" },
    { key: "fig.appts_late", value: c.late, tone: c.late ? "yellow" : "" },
    { key: "fig.no_show", value: c.no_show, tone: c.no_show ? "red" : "" },
  ]);
  const slots = model.lists.slots;
  fill(layout.today, slots.filter((a) => a.day === "today"), head.today.slice(5), s);
  fill(layout.tomorrow, slots.filter((a) => a.day === "tomorrow"), head.tomorrow.slice(5), s);
}

startScreen(draw, { pageEveryMs: 10000 });
