// The wash queue (洗车), in two lanes: the cars being washed, and the cars
// waiting — those whose wash is due, then those still in quality check —
// each by the time it is promised.

import { startScreen, el, t, plate } from "./screen.js";

let layout = null;

// lane is one of the two panels: its heading, the column heads and rows.
function lane(name) {
  const rows = el("div", { class: "trows" });
  const pager = el("span", { class: "pager" });
  const head = el("h2");
  const panel = el("section", { class: `panel table wash lane-${name}`, id: `lane-${name}` },
    el("div", { class: "panel-head" }, head, pager),
    el("div", { class: "trow thead" },
      el("span", { text: t("wash.plate") }), el("span", { text: t("wash.model") }), el("span", { text: t("wash.state") }),
      el("span", { text: t("time.promised") }), el("span", { text: name === "washing" ? t("wash.washed_for") : t("wash.since") })),
    rows);
  return { panel, rows, pager, head };
}

function skeleton(main) {
  const washing = lane("washing");
  const waiting = lane("waiting");
  main.replaceChildren(el("div", { class: "cols wash-lanes" }, washing.panel, waiting.panel));
  return { washing, waiting };
}

function carRow(w, s) {
  return el("div", { class: `trow wash-${w.state}`, "data-job": w.id, "data-state": w.state },
    plate(w.plate, "strong"),
    el("span", { text: w.model }),
    el("span", { class: `status wash-state-${w.state}`, text: t(`wash.${w.state}`) }),
    el("span", { class: w.late ? "strong late" : "strong", text: s.at(w.promised_at) }),
    el("span", { class: "mins", text: t("time.minutes", { n: s.minutesSince(w.since) }) }),
  );
}

function fill(l, name, list, title, none, s) {
  l.head.textContent = title(list.length);
  const page = s.page(name, list, s.fits(l.rows, "--row"));
  l.rows.replaceChildren(...(page.items.length ? page.items.map((w) => carRow(w, s)) : [el("div", { class: "none", text: none })]));
  l.pager.textContent = page.label;
}

function draw(model, s) {
  if (!layout || !s.main.contains(layout.washing.rows)) layout = skeleton(s.main);
  const head = model.head;
  s.setFigures([
    { key: "fig.washing", value: head.washing, tone: head.washing ? "green" : "" },
    { key: "fig.wash_waiting", value: head.waiting, tone: head.waiting ? "yellow" : "" },
    { key: "fig.wash_next", value: head.next },
  ]);
  fill(layout.washing, "washing", model.lists.washing, (n) => t("wash.lane_washing", { n }), t("wash.none_washing"), s);
  fill(layout.waiting, "waiting", model.lists.waiting, (n) => t("wash.lane_waiting", { n }), t("wash.none"), s);
}

startScreen(draw, { pageEveryMs: 10000 });
