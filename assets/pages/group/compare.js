// The stores compared (门店对比): each store's on-time rate, comeback rate,
// labour efficiency, parts-wait hours and satisfaction (CSI) per day, week
// or month, as a table and as line charts drawn here in SVG, one line per
// store — no chart library. Only the stores the signed-in person may see
// are ever sent.

import { start, api, t, el } from "./app.js";

// The SVG namespace, as the HTML parser gives it to an <svg> element (no
// address written here: nothing of a page names another site).
const SVG = (() => {
  const holder = document.createElement("div");
  holder.innerHTML = "<svg></svg>";
  return holder.firstChild.namespaceURI;
})();

const KPIS = [
  { field: "on_time_rate", key: "group.kpi.on_time_rate", rate: true },
  { field: "comeback_rate", key: "group.kpi.comeback_rate", rate: true },
  { field: "labour_efficiency", key: "group.kpi.labour_efficiency", rate: true },
  { field: "parts_wait_hours", key: "group.kpi.parts_wait_hours", rate: false },
  // CSI is a score out of 100, and no score at all without answers.
  { field: "csi", key: "group.kpi.csi", rate: false, top: 100, counted: "surveys" },
];

const PERIODS = [
  { period: "day", key: "group.period_day" },
  { period: "week", key: "group.period_week" },
  { period: "month", key: "group.period_month" },
];

function shown(kpi, v) {
  if (v === undefined || v === null || Number.isNaN(v)) return "–";
  return kpi.rate ? `${Math.round(v * 1000) / 10}%` : String(Math.round(v * 10) / 10);
}

// scored says whether a period's row has a figure for a KPI: a delivery
// to count, and for CSI an answer.
function scored(kpi, r) {
  return r.delivered > 0 && (!kpi.counted || r[kpi.counted] > 0);
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

// chart draws one KPI: periods along, the value up, a line and dots per
// store, the axis labelled at its top and bottom.
function chart(kpi, periods, stores, rows) {
  const W = 560, H = 220, L = 56, R = 24, T = 14, B = 34;
  const values = rows.filter((r) => scored(kpi, r)).map((r) => r[kpi.field]).filter((v) => typeof v === "number");
  const top = kpi.top || Math.max(kpi.rate ? 1 : 0, ...values) || 1;
  const x = (i) => L + (periods.length <= 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (periods.length - 1));
  const y = (v) => T + (H - T - B) * (1 - v / top);
  const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": t(kpi.key) });
  g.append(svg("line", { x1: L, y1: y(0), x2: W - R, y2: y(0), class: "axis" }), svg("line", { x1: L, y1: T, x2: L, y2: y(0), class: "axis" }));
  for (const v of [0, top / 2, top]) {
    g.append(svg("line", { x1: L, y1: y(v), x2: W - R, y2: y(v), class: "grid" }));
    const label = svg("text", { x: L - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" });
    label.textContent = shown(kpi, v);
    g.append(label);
  }
  // At most seven labels along, the last period's always, none crowding it.
  const step = Math.max(1, Math.ceil(periods.length / 7));
  const last = periods.length - 1;
  periods.forEach((p, i) => {
    if (i !== last && (i % step !== 0 || last - i < step)) return;
    const label = svg("text", { x: x(i), y: H - 12, class: "tick", "text-anchor": "middle" });
    // A day is shown without its year (11-23); a week or month as named.
    label.textContent = /^\d{4}-\d{2}-\d{2}$/.test(p) ? p.slice(5) : p;
    g.append(label);
  });
  stores.forEach((s, si) => {
    const pts = [];
    periods.forEach((p, i) => {
      const r = rows.find((row) => row.id === s.id && row.period === p);
      if (r && typeof r[kpi.field] === "number" && scored(kpi, r)) pts.push([x(i), y(r[kpi.field]), r]);
    });
    const cls = `series series-${si % 6}`;
    if (pts.length > 1) g.append(svg("polyline", { points: pts.map(([a, b]) => `${a},${b}`).join(" "), class: cls, fill: "none" }));
    for (const [a, b, r] of pts) {
      const dot = svg("circle", { cx: a, cy: b, r: 3.5, class: cls });
      const tip = svg("title");
      tip.textContent = `${s.name} · ${r.period} · ${shown(kpi, r[kpi.field])}`;
      dot.append(tip);
      g.append(dot);
    }
  });
  return el("figure", { class: "card chart-card" }, el("figcaption", { text: t(kpi.key) }), g);
}

function legend(stores) {
  return el("ul", { class: "legend" }, ...stores.map((s, si) => el("li", {}, el("span", { class: `swatch series-${si % 6}` }), s.name || s.id)));
}

function table(periods, stores, rows) {
  const last = periods[periods.length - 1];
  return el("table", { class: "compare" },
    el("caption", { text: t("group.compare.latest", { period: last || "–" }) }),
    el("thead", {}, el("tr", {}, el("th", { text: t("group.wall.store") }), el("th", { class: "num", text: t("group.kpi.delivered") }),
      ...KPIS.map((k) => el("th", { class: "num", text: t(k.key) })))),
    el("tbody", {}, ...stores.map((s) => {
      const r = rows.find((row) => row.id === s.id && row.period === last) || {};
      return el("tr", { dataset: { store: s.id } }, el("td", { text: s.name || s.id }), el("td", { class: "num", text: String(r.delivered ?? 0) }),
        ...KPIS.map((k) => el("td", { class: "num", text: scored(k, r) ? shown(k, r[k.field]) : "–" })));
    })));
}

start(async (main) => {
  const picker = el("div", { class: "periods", role: "group" });
  const body = el("div", { class: "compare-body" });
  main.append(el("h1", { text: t("group.title_compare") }), picker, body);
  async function show(period) {
    for (const b of picker.children) b.setAttribute("aria-pressed", String(b.dataset.period === period));
    const out = await api("GET", `/group/api/compare?period=${period}`);
    const rows = out.rows || [];
    const periods = [...new Set(rows.map((r) => r.period))].sort();
    const stores = [];
    for (const r of rows) if (!stores.some((s) => s.id === r.id)) stores.push({ id: r.id, name: r.name });
    stores.sort((a, b) => (a.id < b.id ? -1 : 1));
    if (stores.length === 0) {
      body.replaceChildren(el("p", { class: "muted", text: t("group.wall.no_stores") }));
      return;
    }
    body.replaceChildren(el("p", { class: "muted", text: t("group.compare.range", { from: out.from, to: out.to }) }),
      table(periods, stores, rows), legend(stores), el("div", { class: "charts" }, ...KPIS.map((k) => chart(k, periods, stores, rows))));
  }
  for (const { period, key } of PERIODS) {
    picker.append(el("button", { type: "button", class: "quiet", dataset: { period }, text: t(key), onclick: () => show(period) }));
  }
  await show("day");
});
