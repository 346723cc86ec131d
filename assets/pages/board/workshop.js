// The workshop wall board (车间看板), read from across the shop: every bay
// as one row of a two-column table (up to 30 bays on a 1080p screen), and
// below it the lanes of cars off the bays (reception, quality check, wash,
// ready), the dispatch queue, the parts waited for and the technicians
// free. Every word is at least 28 px at 1080p (1.75rem), and a list that
// does not fit pages rather than scrolls or cuts a row.

import { startScreen, el, t, plate, stageName, pauseText } from "./screen.js";

// The lanes off the bays, in the order a car passes them (board.Lanes).
const LANES = [
  { lane: "reception", key: "workshop.lane_reception" },
  { lane: "quality_check", key: "workshop.lane_quality_check" },
  { lane: "washing", key: "workshop.lane_washing" },
  { lane: "ready", key: "workshop.lane_ready" },
];

let layout = null;

function panel(cls) {
  const head = el("h2");
  const pager = el("span", { class: "pager" });
  const rows = el("div", { class: "rows" });
  const box = el("section", { class: `panel ${cls}` }, el("div", { class: "panel-head" }, head, pager), rows);
  return { box, head, pager, rows };
}

function bayHead() {
  return el("div", { class: "bay-row bay-head" },
    el("span", { text: t("workshop.col_bay") }), el("span", { text: t("workshop.col_plate") }),
    el("span", { text: t("workshop.col_stage") }), el("span", { text: t("workshop.col_techs") }),
    el("span", { class: "when", text: t("workshop.col_due") }), el("span", { class: "when", text: t("workshop.col_eta") }));
}

function skeleton(main) {
  const bays = el("section", { class: "bays" });
  const baysPage = el("div", { class: "pager" });
  const lanes = LANES.map(({ lane, key }) => Object.assign(panel(`lane lane-${lane}`), { lane, key }));
  lanes.forEach((l) => (l.box.dataset.lane = l.lane));
  const queue = panel("queue");
  const parts = panel("parts");
  const free = el("div", { class: "free" });
  main.replaceChildren(
    el("div", { class: "workshop" },
      el("div", { class: "bays-box" }, el("div", { class: "bay-heads" }, bayHead(), bayHead()), bays, baysPage),
      el("div", { class: "band" }, ...lanes.map((l) => l.box), queue.box, parts.box),
      el("div", { class: "strip" }, free,
        el("div", { class: "marks-legend" }, el("span", { text: `★ ${t("flag.key_customer")}` }), el("span", { text: `↺ ${t("flag.rework")}` }))),
    ),
  );
  return { bays, baysPage, lanes, queue, parts, free };
}

// A paused car's badge says why, with the technician's note when the
// whole of it fits the cell; otherwise the reason alone (the note is on
// the advisor's board and the kiosk): a word is never cut.
function fitPauses(box) {
  for (const badge of box.querySelectorAll(".badge[data-reason]")) {
    if (badge.scrollWidth > badge.clientWidth) badge.textContent = badge.dataset.reason;
  }
}

function bayRow(bay, s) {
  const job = bay.job;
  if (!job) {
    return el("div", { class: "bay-row empty" }, el("span", { class: "bay", text: bay.name }), el("span", { class: "free-word", text: t("workshop.bay_free") }));
  }
  const late = job.flags.includes("late") ? " late" : job.flags.includes("at_risk") ? " at-risk" : "";
  const marks = (job.flags.includes("key_customer") ? "★" : "") + (job.flags.includes("rework") ? "↺" : "");
  const sold = job.sold_hours || 0;
  const done = Math.round(Math.min(1, sold ? job.clocked_hours / sold : 0) * 100);
  return el("div", { class: `bay-row stage-${job.stage}${late}`, "data-job": job.id },
    el("span", { class: "bay", text: bay.name }),
    plate(job.plate, "plate"),
    el("span", { class: "stage-cell" }, marks ? el("span", { class: "marks", text: marks }) : null, job.pause
      ? el("span", { class: "badge", "data-reason": t(`pause.${job.pause.reason}`), text: pauseText(job.pause) })
      : el("span", { class: "badge", text: stageName(job.stage) })),
    el("span", { class: "who", style: `--done:${done}%`, text: job.techs.length > 1 ? `${job.techs[0]} +${job.techs.length - 1}` : job.techs.join("") }),
    el("span", { class: "when", text: short(job.promised_at, s) }),
    el("span", { class: "when eta", text: short(job.eta, s) }),
  );
}

// short shows a time the server sent in a board cell: 10:45 today, with
// a mark for another day (明 09:15, +1 09:15).
function short(iso, s) {
  if (!iso) return "";
  const d = new Date(iso);
  return s.day(d) === s.day(s.now()) ? s.time(d) : t("workshop.next_day", { time: s.time(d) });
}

function laneRow(car, s) {
  return el("div", { class: `row${car.late ? " late" : ""}` }, plate(car.plate, "plate-sm"), el("span", { class: "when", text: short(car.promised_at, s) }));
}

function queueRow(q, s) {
  return el("div", { class: "row" }, plate(q.plate, "plate-sm"), el("span", { class: "when", text: short(q.promised_at, s) }));
}

// A part waited for takes two lines: whose car and until when, then what.
function partRow(p, s) {
  const eta = p.eta ? short(p.eta, s) : t(`parts.${p.status}`);
  return el("div", { class: `row two part-${p.status}` },
    el("div", { class: "line1" }, plate(p.plate, "plate-sm"), el("span", { class: "bay-sm", text: p.bay }), el("span", { class: "when", text: eta })),
    el("div", { class: "line2", text: p.description }),
  );
}

function fill(box, title, items, draw, none, s, key) {
  box.head.textContent = title;
  const page = s.page(key, items, s.fits(box.rows, "--row"));
  box.rows.replaceChildren(...(page.items.length ? page.items.map((i) => draw(i, s)) : none ? [el("div", { class: "none", text: none })] : []));
  box.pager.textContent = page.label;
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
  // Reception, quality check and ready have their lanes below: the
  // header keeps the figures no lane shows.
  s.setFigures([
    { key: "fig.in_repair", value: c.in_repair },
    { key: "fig.waiting_dispatch", value: c.waiting_dispatch, tone: c.waiting_dispatch ? "yellow" : "" },
    { key: "fig.waiting_parts", value: c.waiting_parts, tone: c.waiting_parts ? "red" : "" },
    { key: "fig.techs_free", value: `${c.techs_free}/${c.techs_total}`, tone: c.techs_free ? "green" : "" },
    { key: "fig.late", value: c.late + c.at_risk, tone: c.late ? "red" : c.at_risk ? "yellow" : "" },
    { key: "fig.delivered_today", value: head.today.delivered },
    { key: "fig.on_time_today", value: onTime(head.today), tone: onTimeTone(head.today) },
  ]);

  // Two columns of bay rows, as many rows as fit the screen, the bays
  // shared evenly between the columns when they all fit.
  const fit = s.fits(layout.bays, "--row");
  const bays = s.page("bays", model.lists.bays, fit * 2);
  layout.bays.style.setProperty("--per-column", Math.min(fit, Math.ceil(bays.items.length / 2)));
  layout.bays.replaceChildren(...bays.items.map((b) => bayRow(b, s)));
  fitPauses(layout.bays);
  layout.baysPage.textContent = bays.label;

  const lanes = model.lists.lanes || [];
  for (const l of layout.lanes) {
    const cars = lanes.filter((car) => car.lane === l.lane);
    fill(l, `${t(l.key)} ${cars.length}`, cars, laneRow, "", s, `lane-${l.lane}`);
  }
  const queue = model.lists.queue;
  fill(layout.queue, t("workshop.queue", { n: queue.length }), queue, queueRow, t("workshop.queue_empty"), s, "queue");
  const parts = model.lists.parts;
  fill(layout.parts, t("workshop.parts", { n: parts.length }), parts, partRow, t("workshop.parts_empty"), s, "parts");

  layout.free.replaceChildren(
    el("b", { text: t("workshop.free_techs") }),
    ...(head.free_techs.length ? head.free_techs.map((n) => el("span", { class: "tech", text: n })) : [el("span", { text: t("workshop.none_free") })]),
  );
}

startScreen(draw, { pageEveryMs: 10000 });
