// The parts counter (配件): every part a job waits for, oldest first, with
// how long it has waited, for which car and bay, and the supplier's ETA.

import { startScreen, el, t, plate, stageName } from "./screen.js";

let layout = null;

function skeleton(main) {
  const rows = el("div", { class: "trows" });
  const pager = el("span", { class: "pager" });
  const head = el("h2");
  main.replaceChildren(
    el("section", { class: "panel table counter" },
      el("div", { class: "panel-head" }, head, pager),
      el("div", { class: "trow thead" },
        el("span", { text: t("parts.waited") }), el("span", { text: t("parts.plate") }), el("span", { text: t("parts.bay") }),
        el("span", { text: t("parts.part") }), el("span", { text: t("parts.number") }), el("span", { text: t("parts.qty") }),
        el("span", { text: t("parts.status") }), el("span", { text: t("parts.eta") })),
      rows),
  );
  return { rows, pager, head };
}

function requestRow(p, s) {
  const overdue = p.status === "on_order" && p.eta && new Date(p.eta) < s.now();
  return el("div", { class: "trow" },
    el("span", { class: "mins", text: t("time.minutes", { n: s.minutesSince(p.requested_at) }) }),
    plate(p.plate, "strong"),
    el("span", {}, el("span", { text: p.bay || "—" })),
    el("span", {}, el("span", { text: p.description }), " ", el("span", { class: "muted", text: stageName(p.stage) })),
    el("span", { class: "muted", text: p.number || "—" }),
    el("span", { text: String(p.quantity) }),
    el("span", { class: `st-${p.status}`, text: t(`parts.${p.status}`) }),
    el("span", { class: overdue ? "strong late-text" : "strong", text: p.eta ? s.at(p.eta) : "—" }),
  );
}

function draw(model, s) {
  if (!layout || !s.main.contains(layout.rows)) layout = skeleton(s.main);
  const c = model.head.counts;
  s.setFigures([
    { key: "fig.parts_requested", value: c.requested, tone: c.requested ? "red" : "" },
    { key: "fig.parts_picked", value: c.picked },
    { key: "fig.parts_on_order", value: c.on_order, tone: c.on_order ? "yellow" : "" },
    { key: "fig.parts_overdue", value: c.overdue, tone: c.overdue ? "red" : "" },
    { key: "fig.waiting_parts", value: c.jobs_stopped, tone: c.jobs_stopped ? "red" : "" },
  ]);
  const list = model.lists.requests;
  layout.head.textContent = t("parts.title", { n: list.length });
  const page = s.page("requests", list, s.fits(layout.rows, "--row"));
  layout.rows.replaceChildren(...(page.items.length ? page.items.map((p) => requestRow(p, s)) : [el("div", { class: "none", text: t("parts.none") })]));
  layout.pager.textContent = page.label;
}

startScreen(draw, { pageEveryMs: 10000 });
