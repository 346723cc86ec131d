// The lounge TV (客户休息区): each car with its masked plate, model, where
// it stands in words and colour, and when it should be ready, sorted by
// the plate's last characters (the board says so). The server sends
// nothing else for this screen. Pages turn gently.

import { startScreen, el, t, plate } from "./screen.js";

let layout = null;

function skeleton(main) {
  const rows = el("div", { class: "lounge-rows" });
  const pager = el("div", { class: "pager" });
  const message = el("div", { class: "message" });
  main.replaceChildren(
    el("div", { class: "lounge" },
      el("div", { class: "lounge-head" },
        el("span", { text: t("lounge.plate") }), el("span", { text: t("lounge.model") }),
        el("span", { text: t("lounge.status") }), el("span", { text: t("lounge.eta"), style: "text-align:right" })),
      rows,
      el("div", { class: "legend" },
        el("span", { class: "sorted", text: t("lounge.sorted") }),
        el("span", {}, el("i", { style: "background:var(--red)" }), t("lounge.legend_red")),
        el("span", {}, el("i", { style: "background:var(--yellow)" }), t("lounge.legend_yellow")),
        el("span", {}, el("i", { style: "background:var(--green)" }), t("lounge.legend_green")),
        pager),
      message,
    ),
  );
  return { rows, pager, message };
}

function carRow(car, s) {
  return el("div", { class: `lounge-row colour-${car.colour}` },
    plate(car.plate, "plate"),
    el("span", { class: "model", text: car.model }),
    el("span", { class: "phase", text: t(`phase.${car.phase}`) }),
    el("span", { class: "eta", text: car.phase === "ready" ? t("lounge.ready_now") : s.at(car.eta) }),
  );
}

function draw(model, s) {
  if (!layout || !s.main.contains(layout.rows)) layout = skeleton(s.main);
  const cars = model.lists.cars;
  const ready = cars.filter((c) => c.phase === "ready").length;
  s.setFigures([
    { key: "fig.cars", value: cars.length },
    { key: "fig.ready", value: ready, tone: ready ? "green" : "" },
  ]);
  layout.message.textContent = model.head.message || t("lounge.welcome");
  const page = s.page("cars", cars, s.fits(layout.rows, "--row"));
  layout.rows.replaceChildren(...(page.items.length ? page.items.map((c) => carRow(c, s)) : [el("div", { class: "none", text: t("lounge.empty") })]));
  layout.pager.textContent = page.label;
  if (page.turned) {
    // A new page fades in; a change on the same page does not flicker.
    layout.rows.classList.remove("turn");
    void layout.rows.offsetWidth;
    layout.rows.classList.add("turn");
  }
}

startScreen(draw, { pageEveryMs: 12000 });
