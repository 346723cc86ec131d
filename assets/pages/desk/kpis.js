// The KPIs of a period (today, the last 7 or 30 days, or any dates): the
// figures the seeds name, each beside a small gauge, and two charts drawn
// here as SVG — each technician's sold against clocked hours, and how long
// jobs held each bay. Every figure is the server's (GET /api/v1/kpis);
// the page only draws it.

import { start, t, el, api, form } from "../staff/app.js";
import { field, input, isoDate, daysAgo, percent, gauge, bars } from "../staff/kit.js";

const REWORK_TARGET = 0.03;

start("desk", async (main, ctx) => {
  const tz = ctx.settings.time_zone;
  const from = input("from", daysAgo(29, tz), { type: "date", required: true });
  const to = input("to", isoDate(new Date(), tz), { type: "date", required: true });
  const preset = (id, label, days) =>
    el(
      "button",
      {
        type: "button",
        id,
        onclick: () => {
          from.value = daysAgo(days - 1, tz);
          to.value = isoDate(new Date(), tz);
          f.requestSubmit();
        },
      },
      label,
    );
  const f = el(
    "form",
    { novalidate: true, class: "toolbar", id: "period" },
    el("h1", { class: "grow" }, t("desk.kpis.title")),
    preset("today", t("desk.kpis.today"), 1),
    preset("days7", t("desk.kpis.days7"), 7),
    preset("days30", t("desk.kpis.days30"), 30),
    field(t("desk.kpis.from"), from, { class: "inline" }),
    field(t("desk.kpis.to"), to, { class: "inline" }),
    el("button", { type: "submit", class: "primary" }, t("desk.kpis.show")),
  );
  const out = el("div", { id: "figures" });
  main.append(f, out);

  form(
    f,
    () => api("GET", `/api/v1/kpis?from=${encodeURIComponent(from.value)}&to=${encodeURIComponent(to.value)}`),
    (k) => draw(k),
  );

  // tone colours a rate by how good it is: high is good unless low is.
  const tone = (x, good, fair, lowIsGood = false) => {
    if (lowIsGood) return x <= good ? "green" : x <= fair ? "yellow" : "red";
    return x >= good ? "green" : x >= fair ? "yellow" : "red";
  };

  // tile is one figure: its gauge (when it is a rate), the figure itself
  // with its raw value in data-value, what it is and a line under it.
  const tile = (name, label, text, value, { chart, sub, colour } = {}) =>
    el(
      "div",
      { class: `tile ${colour || ""}`, dataset: { kpi: name, value: String(value) } },
      chart || null,
      el("div", {}, el("div", { class: "figure" }, text), el("div", { class: "what" }, label), sub ? el("div", { class: "sub" }, sub) : null),
    );

  const rate = (name, label, x, { good, fair, lowIsGood, sub, scale = 1, target } = {}) => {
    const c = tone(x, good, fair, lowIsGood);
    return tile(name, label, percent(x), x, {
      chart: gauge(x / scale, { tone: c, label, text: percent(x), target: target === undefined ? undefined : target / scale }),
      sub,
      colour: c === "red" ? "red" : "",
    });
  };

  function draw(k) {
    const hours = (h) => t("desk.kpis.hours", { h: (h || 0).toFixed(1) });
    const tiles = el(
      "div",
      { class: "tiles" },
      rate("on_time", t("desk.kpis.on_time"), k.on_time, {
        good: 0.9,
        fair: 0.75,
        sub: t("desk.kpis.on_time_sub", { n: k.delivered, re_agreed: k.re_agreed, signed: percent(k.on_time_signed) }),
      }),
      rate("rework_rate", t("desk.kpis.rework_rate"), k.rework_rate, {
        good: REWORK_TARGET,
        fair: REWORK_TARGET,
        lowIsGood: true,
        scale: 0.1,
        target: REWORK_TARGET,
        sub: t("desk.kpis.target", { target: percent(REWORK_TARGET) }),
      }),
      rate("comeback_rate", t("desk.kpis.comeback_rate"), k.comeback_rate, {
        good: REWORK_TARGET,
        fair: REWORK_TARGET,
        lowIsGood: true,
        scale: 0.1,
        target: REWORK_TARGET,
        sub: t("desk.kpis.comebacks", { n: k.comebacks, target: percent(REWORK_TARGET) }),
      }),
      rate("first_time_fix", t("desk.kpis.first_time_fix"), k.first_time_fix, { good: 0.95, fair: 0.9 }),
      rate("estimate_accuracy", t("desk.kpis.estimate_accuracy"), k.estimate_accuracy, {
        good: 0.9,
        fair: 0.75,
        sub: t("desk.kpis.estimate_ratio", { ratio: percent(k.estimate_ratio) }),
      }),
      rate("appointment_share", t("desk.kpis.appointment_share"), k.appointment_share, { good: 0.5, fair: 0.3, sub: t("desk.kpis.of_opened", { n: k.opened }) }),
      rate("no_show_rate", t("desk.kpis.no_show_rate"), k.no_show_rate, { good: 0.05, fair: 0.1, lowIsGood: true, sub: t("desk.kpis.of_appointments", { n: k.appointments }) }),
      rate("follow_up_in_3_days", t("desk.kpis.follow_up"), k.follow_up_in_3_days, {
        good: 0.95,
        fair: 0.8,
        sub: t("desk.kpis.open_complaints", { n: k.open_complaints }),
      }),
      rate("bay_utilisation", t("desk.kpis.bay_utilisation"), k.bay_utilisation, { good: 0.7, fair: 0.5 }),
      tile("efficiency", t("desk.kpis.efficiency"), percent(k.efficiency), k.efficiency, {
        chart: gauge(Math.min(1, k.efficiency / 1.5), { tone: tone(k.efficiency, 1, 0.85), label: t("desk.kpis.efficiency"), text: percent(k.efficiency), target: 1 / 1.5 }),
        sub: t("desk.kpis.sold_clocked", { sold: (k.sold_hours || 0).toFixed(1), clocked: (k.clocked_hours || 0).toFixed(1) }),
      }),
      tile("parts_wait_hours", t("desk.kpis.parts_wait"), hours(k.parts_wait_hours), k.parts_wait_hours),
      tile("delivered", t("desk.kpis.delivered"), String(k.delivered), k.delivered, { sub: t("desk.kpis.opened", { n: k.opened }) }),
      tile("re_agreed", t("desk.kpis.re_agreed"), String(k.re_agreed), k.re_agreed, { sub: t("desk.kpis.re_agreed_sub") }),
      tile("comebacks", t("desk.kpis.comebacks_count"), String(k.comebacks), k.comebacks, { sub: t("desk.kpis.comebacks_sub") }),
      tile("csi", t("desk.kpis.csi"), (k.csi || 0).toFixed(1), k.csi || 0, {
        chart: gauge((k.csi || 0) / 100, { tone: tone((k.csi || 0) / 100, 0.9, 0.75), label: t("desk.kpis.csi"), text: (k.csi || 0).toFixed(1) }),
        sub: t("desk.kpis.csi_sub", { n: k.surveys || 0 }),
      }),
    );
    const techs = k.technicians || [];
    const bays_ = k.bays || [];
    out.replaceChildren(
      tiles,
      el(
        "div",
        { class: "grid2" },
        el(
          "section",
          { class: "card", id: "chart-techs" },
          el("h2", {}, t("desk.kpis.by_tech")),
          el("p", { class: "hint" }, t("desk.kpis.by_tech_hint")),
          techs.length
            ? bars(
                techs.map((x) => ({
                  label: x.name || x.id,
                  value: x.efficiency,
                  text: `${percent(x.efficiency)} · ${x.sold_hours.toFixed(1)}/${x.clocked_hours.toFixed(1)}h`,
                  tone: tone(x.efficiency, 1, 0.85),
                })),
                { mark: 1, label: t("desk.kpis.by_tech") },
              )
            : el("p", { class: "muted" }, t("desk.kpis.nothing")),
        ),
        el(
          "section",
          { class: "card", id: "chart-bays" },
          el("h2", {}, t("desk.kpis.by_bay")),
          el("p", { class: "hint" }, t("desk.kpis.by_bay_hint")),
          bays_.length
            ? bars(
                bays_.map((b) => ({ label: b.name || b.id, value: b.utilisation, text: `${percent(b.utilisation)} · ${b.hours.toFixed(1)}h`, tone: tone(b.utilisation, 0.7, 0.5) })),
                { max: 1, label: t("desk.kpis.by_bay") },
              )
            : el("p", { class: "muted" }, t("desk.kpis.nothing")),
        ),
      ),
      csiCharts(k),
    );
    out.dataset.from = from.value;
    out.dataset.to = to.value;
  }

  // csiCharts are the survey's CSI (0–100) by advisor and by month, each
  // with its number of answers, and the complaints of the period by
  // category.
  function csiCharts(k) {
    const row = (label, c) => ({ label, value: c.csi / 100, text: `${c.csi.toFixed(1)} · ${t("desk.kpis.answers", { n: c.answers })}`, tone: tone(c.csi / 100, 0.9, 0.75) });
    const advisors = k.csi_advisors || [];
    const months = k.csi_months || [];
    const byCat = k.complaints_by_category || {};
    return el(
      "div",
      { class: "grid2" },
      el("section", { class: "card", id: "chart-csi-advisors" }, el("h2", {}, t("desk.kpis.by_advisor")),
        advisors.length ? bars(advisors.map((a) => row(a.name || a.id, a)), { max: 1, label: t("desk.kpis.by_advisor") }) : el("p", { class: "muted" }, t("desk.kpis.nothing"))),
      el("section", { class: "card", id: "chart-csi-months" }, el("h2", {}, t("desk.kpis.by_month")),
        months.length ? bars(months.map((m) => row(m.month, m)), { max: 1, label: t("desk.kpis.by_month") }) : el("p", { class: "muted" }, t("desk.kpis.nothing"))),
      el("section", { class: "card", id: "complaint-categories" }, el("h2", {}, t("desk.kpis.complaints_by_category")),
        el("ul", {}, [
          ["facilities", t("desk.complaint.facilities")],
          ["attitude", t("desk.complaint.attitude")],
          ["workmanship", t("desk.complaint.workmanship")],
          ["process", t("desk.complaint.process")],
        ].map(([c, name]) => el("li", { dataset: { category: c, value: String(byCat[c] || 0) } }, name, ": ", el("strong", {}, String(byCat[c] || 0)))))),
    );
  }

  f.requestSubmit();
});
