// The group wall board (集团看板): one row per store the signed-in person
// may see — cars in the workshop, waiting for parts, late and at risk,
// ready, technicians free, on-time deliveries today and how long ago the
// store was last heard from; a store silent for more than a quarter of an
// hour is flagged. The rows come over the boards' feed (../feed.js), which
// reconnects and resumes by itself; a store's name opens its workshop
// board (the drill-down).

import { start, t, el } from "./app.js";
import { Feed } from "../feed.js";
import { setZone, time } from "../kit/format.js";
import { lastHeard, silentBadge } from "./heard.js";

const COLUMNS = [
  { field: "in_workshop", key: "group.wall.in_workshop" },
  { field: "waiting_parts", key: "group.wall.waiting_parts" },
  { field: "late", key: "group.wall.late" },
  { field: "at_risk", key: "group.wall.at_risk" },
  { field: "ready", key: "group.wall.ready" },
  { field: "techs_free", key: "group.wall.techs_free" },
  { field: "delivered_today", key: "group.wall.delivered_today" },
  { field: "on_time_today", key: "group.wall.on_time_today" },
];

function percent(v) {
  return v === undefined || v === null ? "–" : `${v}%`;
}

function cell(row, key) {
  const v = row[key];
  if (key === "on_time_today") return el("td", { class: "num", text: percent(v) });
  if (key === "techs_free") return el("td", { class: "num", text: `${v} / ${row.techs_on_duty}` });
  const warn = (key === "late" && v > 0) || (key === "at_risk" && v > 0) || (key === "waiting_parts" && v > 0);
  return el("td", { class: warn ? `num warn warn-${key}` : "num", text: String(v) });
}

function draw(main, model) {
  const head = model.head || { totals: {} };
  const rows = model.lists.stores || [];
  if (head.tz) setZone(head.tz);
  const figures = el("div", { class: "figures" },
    ...[{ field: "in_workshop", key: "group.wall.in_workshop" }, { field: "waiting_parts", key: "group.wall.waiting_parts" }, { field: "late", key: "group.wall.late" }, { field: "ready", key: "group.wall.ready" }]
      .map((c) => el("div", { class: `figure figure-${c.field}` }, el("b", { text: String(head.totals[c.field] ?? 0) }), el("span", { text: t(c.key) }))),
    el("div", { class: "figure figure-on_time" }, el("b", { text: percent(head.totals.on_time_today) }), el("span", { text: t("group.wall.on_time_today") })),
    el("div", { class: head.silent > 0 ? "figure figure-silent alarm" : "figure figure-silent" }, el("b", { text: String(head.silent ?? 0) }), el("span", { text: t("group.wall.silent") })));
  const table = el("table", { class: "wall" },
    el("thead", {}, el("tr", {}, el("th", { text: t("group.wall.store") }), ...COLUMNS.map((c) => el("th", { class: "num", text: t(c.key) })),
      el("th", { text: t("group.wall.last_event") }))),
    el("tbody", {}, ...rows.map((r) => el("tr", { class: r.silent ? "store silent" : "store", dataset: { store: r.id } },
      el("td", { class: "name" }, el("a", { href: `/group/stores/${encodeURIComponent(r.id)}/board`, text: r.name || r.id }),
        r.silent ? silentBadge(el) : null),
      ...COLUMNS.map((c) => cell(r, c.field)),
      el("td", { class: "ago", title: r.last_event_at ? time(new Date(r.last_event_at)) : "", text: lastHeard(r) })))));
  const empty = rows.length === 0 ? el("p", { class: "muted", text: t("group.wall.no_stores") }) : null;
  main.replaceChildren(figures, table, empty || "");
}

start(async (main) => {
  // The wall's feed; the boards' client reads the path from the page.
  document.documentElement.dataset.feed = "/ws/group/wall";
  const status = el("p", { class: "feed-status", role: "status" });
  const board = el("div", { class: "wall-board" }, el("p", { class: "muted", text: t("group.loading") }));
  main.append(status, board);
  const clock = el("span", { class: "clock" });
  document.querySelector(".bar")?.append(clock);
  const feed = new Feed("group", {
    onModel: (model) => draw(board, model),
    onStatus: (s) => {
      status.textContent = s === "offline" ? t("group.wall.link_down") : "";
      status.classList.toggle("down", s === "offline");
    },
    onBeat: (now) => {
      clock.textContent = time(new Date(now));
    },
  });
  feed.start();
});
