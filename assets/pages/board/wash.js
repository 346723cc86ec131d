// The wash queue (洗车): the cars being washed and those coming next from
// quality check, most urgent first.

import { startScreen, el, t, plate } from "./screen.js";

let layout = null;

function skeleton(main) {
  const rows = el("div", { class: "trows" });
  const pager = el("span", { class: "pager" });
  const head = el("h2");
  main.replaceChildren(
    el("section", { class: "panel table wash" },
      el("div", { class: "panel-head" }, head, pager),
      el("div", { class: "trow thead" },
        el("span", { text: t("wash.plate") }), el("span", { text: t("wash.model") }), el("span", { text: t("wash.state") }),
        el("span", { text: t("time.promised") }), el("span", { text: t("wash.since") })),
      rows),
  );
  return { rows, pager, head };
}

function carRow(w, s) {
  return el("div", { class: "trow" },
    plate(w.plate, "strong"),
    el("span", { text: w.model }),
    el("span", { class: `status ${w.state === "washing" ? "status-arrived" : "status-expected"}`, text: t(`wash.${w.state}`) }),
    el("span", { class: w.late ? "strong late" : "strong", text: s.at(w.promised_at) }),
    el("span", { class: "mins", text: t("time.minutes", { n: s.minutesSince(w.since) }) }),
  );
}

function draw(model, s) {
  if (!layout || !s.main.contains(layout.rows)) layout = skeleton(s.main);
  const head = model.head;
  s.setFigures([
    { key: "fig.washing", value: head.washing, tone: head.washing ? "green" : "" },
    { key: "fig.wash_next", value: head.next, tone: head.next ? "yellow" : "" },
  ]);
  const list = model.lists.cars;
  layout.head.textContent = t("wash.title", { n: list.length });
  const page = s.page("cars", list, s.fits(layout.rows, "--row"));
  layout.rows.replaceChildren(...(page.items.length ? page.items.map((w) => carRow(w, s)) : [el("div", { class: "none", text: t("wash.none") })]));
  layout.pager.textContent = page.label;
}

startScreen(draw, { pageEveryMs: 10000 });
