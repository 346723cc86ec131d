// The workshop wall board (车间看板): one tile per bay, the header answering
// the foreman's questions, the dispatch queue and the parts waited for. It
// never scrolls: when there are more bays or rows than fit, they page.

import { startScreen, el, t, plate, stageName, pauseText, flagName } from "./screen.js";

let layout = null;

function skeleton(main) {
  const bays = el("section", { class: "bays" });
  const baysPage = el("div", { class: "pager" });
  const queueRows = el("div", { class: "rows" });
  const queueHead = el("h2");
  const queuePage = el("span", { class: "pager" });
  const partsRows = el("div", { class: "rows" });
  const partsHead = el("h2");
  const partsPage = el("span", { class: "pager" });
  const free = el("div", { class: "free" });
  main.replaceChildren(
    el("div", { class: "workshop" },
      el("div", { class: "bays-box" }, bays, baysPage),
      el("aside", { class: "side" },
        el("section", { class: "panel queue" }, el("div", { class: "panel-head" }, queueHead, queuePage), queueRows),
        el("section", { class: "panel parts" }, el("div", { class: "panel-head" }, partsHead, partsPage), partsRows),
        el("section", { class: "panel free-box" }, free),
      ),
    ),
  );
  return { bays, baysPage, queueRows, queueHead, queuePage, partsRows, partsHead, partsPage, free };
}

// progress is a bar of clocked against sold hours, with the technicians
// on it: who works on the car and how far they are, in one line.
function progress(job) {
  const sold = job.sold_hours || 0;
  const done = Math.min(1, sold ? job.clocked_hours / sold : 0);
  return el("div", { class: "progress" },
    el("i", { style: `width:${Math.round(done * 100)}%` }),
    el("span", { class: "who", text: job.techs.length ? job.techs.join(" ") : t("workshop.no_tech") }),
    el("span", { class: "hours", text: t("workshop.hours", { done: job.clocked_hours.toFixed(1), sold: sold.toFixed(1) }) }),
  );
}

function flags(list) {
  return el("div", { class: "flags" }, list.map((f) => el("span", { class: `flag flag-${f}`, text: flagName(f) })));
}

function bayTile(bay, s) {
  const job = bay.job;
  if (!job) {
    return el("div", { class: "tile empty" },
      el("div", { class: "tile-top" }, el("span", { class: "bay", text: bay.name }), el("span", { class: "badge free", text: t("workshop.bay_free") })),
    );
  }
  const late = job.flags.includes("late") ? " late" : job.flags.includes("at_risk") ? " at-risk" : "";
  const stage = job.pause && job.stage === "paused" ? pauseText(job.pause) : stageName(job.stage);
  return el("div", { class: `tile stage-${job.stage}${late}`, "data-job": job.id },
    el("div", { class: "tile-top" }, el("span", { class: "bay", text: bay.name }), el("span", { class: "badge", text: stage })),
    plate(job.plate, "plate"),
    el("div", { class: "line" }, el("span", { class: "model", text: job.model }), " ", el("span", { class: "work", text: job.work.join(" · ") })),
    progress(job),
    el("div", { class: "times" },
      el("span", {}, el("small", { text: t("time.promised") }), s.at(job.promised_at)),
      el("span", { class: "eta" }, el("small", { text: t("time.eta") }), s.at(job.eta)),
    ),
    flags(job.flags),
  );
}

function queueRow(q, s) {
  return el("div", { class: "row" },
    plate(q.plate, "plate-sm"),
    el("span", { class: "grow", text: q.work.join(" · ") }),
    el("span", { class: "mins", text: t("time.minutes", { n: s.minutesSince(q.waiting_since) }) }),
    el("span", { class: "when", text: s.at(q.promised_at) }),
    q.flags.length ? el("span", { class: `dot flag-${q.flags[0]}`, title: flagName(q.flags[0]) }) : null,
  );
}

function partRow(p, s) {
  const eta = p.eta ? s.at(p.eta) : t(`parts.${p.status}`);
  return el("div", { class: `row part-${p.status}` },
    plate(p.plate, "plate-sm"),
    el("span", { class: "bay-sm", text: p.bay }),
    el("span", { class: "grow", text: p.description }),
    el("span", { class: "when", text: eta }),
  );
}

// The day's on-time delivery, once a car has been delivered.
function onTime(today) {
  return today.on_time === undefined ? "–" : `${today.on_time}%`;
}

function onTimeTone(today) {
  if (today.on_time === undefined) return "";
  return today.on_time >= 90 ? "green" : today.on_time >= 70 ? "yellow" : "red";
}

function draw(model, s) {
  const main = s.main;
  if (!layout || !main.contains(layout.bays)) layout = skeleton(main);
  const head = model.head;
  const c = head.counts;
  s.setFigures([
    { key: "fig.in_repair", value: c.in_repair },
    { key: "fig.waiting_dispatch", value: c.waiting_dispatch, tone: c.waiting_dispatch ? "yellow" : "" },
    { key: "fig.waiting_parts", value: c.waiting_parts, tone: c.waiting_parts ? "red" : "" },
    { key: "fig.quality_check", value: c.quality_check },
    { key: "fig.ready", value: c.ready, tone: c.ready ? "green" : "" },
    { key: "fig.techs_free", value: `${c.techs_free}/${c.techs_total}`, tone: c.techs_free ? "green" : "" },
    { key: "fig.late", value: c.late + c.at_risk, tone: c.late ? "red" : c.at_risk ? "yellow" : "" },
    { key: "fig.delivered_today", value: head.today.delivered },
    { key: "fig.on_time_today", value: onTime(head.today), tone: onTimeTone(head.today) },
  ]);

  const style = getComputedStyle(layout.bays);
  const perPage = (parseInt(style.getPropertyValue("--cols")) || 4) * (parseInt(style.getPropertyValue("--rows")) || 3);
  const bays = s.page("bays", model.lists.bays, perPage);
  layout.bays.replaceChildren(...bays.items.map((b) => bayTile(b, s)));
  layout.baysPage.textContent = bays.label;

  const queue = model.lists.queue;
  layout.queueHead.textContent = t("workshop.queue", { n: queue.length });
  const qp = s.page("queue", queue, s.fits(layout.queueRows, "--row"));
  layout.queueRows.replaceChildren(...(qp.items.length ? qp.items.map((q) => queueRow(q, s)) : [el("div", { class: "none", text: t("workshop.queue_empty") })]));
  layout.queuePage.textContent = qp.label;

  const parts = model.lists.parts;
  layout.partsHead.textContent = t("workshop.parts", { n: parts.length });
  const pp = s.page("parts", parts, s.fits(layout.partsRows, "--row"));
  layout.partsRows.replaceChildren(...(pp.items.length ? pp.items.map((p) => partRow(p, s)) : [el("div", { class: "none", text: t("workshop.parts_empty") })]));
  layout.partsPage.textContent = pp.label;

  layout.free.replaceChildren(
    el("b", { text: t("workshop.free_techs") }),
    head.free_techs.length ? head.free_techs.join(" ") : t("workshop.none_free"),
  );
}

startScreen(draw, { pageEveryMs: 10000 });
