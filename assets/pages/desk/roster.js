// Duty roster (排班), the workshop controller's page: for a day, every
// active technician on duty, off (轮休) or on leave (请假). A technician
// not recorded has the day's default — on duty when the shop opens, off
// when it is closed — shown as such. Beside it, the day's capacity in
// labour hours: the work bays by kind, the technicians on duty, the
// lesser of the two, and what the bookings leave. Dispatch offers no job
// to a technician recorded off or on leave that day.

import { start, t, el, api, command, form, notice } from "../staff/app.js";
import { isoDate, table } from "../staff/kit.js";

const statuses = [
  { value: "on_duty", key: "desk.roster.on_duty" },
  { value: "off", key: "desk.roster.off" },
  { value: "leave", key: "desk.roster.leave" },
];
const kindKeys = {
  quick_service: { key: "desk.dispatch.kind_quick_service" },
  general: { key: "desk.dispatch.kind_general" },
  alignment: { key: "desk.dispatch.kind_alignment" },
  diagnosis: { key: "desk.dispatch.kind_diagnosis" },
  body: { key: "desk.dispatch.kind_body" },
  paint: { key: "desk.dispatch.kind_paint" },
};
const limitKeys = {
  closed: { key: "desk.capacity.limit_closed" },
  no_bays: { key: "desk.capacity.limit_no_bays" },
  no_technicians: { key: "desk.capacity.limit_no_technicians" },
};

start("desk", async (main, ctx) => {
  const mayEdit = ctx.may.includes("set_roster");
  const date = el("input", { type: "date", name: "date", id: "roster-date", value: isoDate(new Date()) });
  const shift = (days) => {
    const d = new Date(date.value + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    date.value = d.toISOString().slice(0, 10);
    draw();
  };
  const dayBox = el("div", { id: "roster" });
  const capacityBox = el("section", { class: "card side", id: "capacity" });
  main.append(...[
    el("div", { class: "toolbar" },
      el("h1", { class: "grow" }, t("desk.roster.title")),
      el("button", { type: "button", class: "quiet", id: "prev-day", onclick: () => shift(-1) }, t("desk.roster.prev")),
      el("label", {}, el("span", { class: "hint" }, t("desk.roster.date")), " ", date),
      el("button", { type: "button", class: "quiet", id: "next-day", onclick: () => shift(1) }, t("desk.roster.next"))),
    mayEdit ? null : el("p", { class: "muted", id: "read-only" }, t("desk.roster.read_only")),
    el("div", { class: "split" }, dayBox, capacityBox),
  ].filter(Boolean));
  date.addEventListener("change", draw);
  await draw();

  async function draw() {
    let roster, cap;
    try {
      [roster, cap] = await Promise.all([
        api("GET", "/api/v1/roster?date=" + encodeURIComponent(date.value)),
        api("GET", "/api/v1/capacity?date=" + encodeURIComponent(date.value)),
      ]);
    } catch (e) {
      dayBox.replaceChildren(el("p", { class: "error" }, e.message));
      return;
    }
    drawCapacity(cap);
    const row = (d, i) => el("tr", { dataset: { tech: d.tech_id } },
      el("td", {}, el("strong", {}, d.name)),
      el("td", { "data-field": `technicians[${i}].status` },
        el("div", { class: "toolbar" },
          statuses.map((s) => el("label", { class: "check" },
            el("input", { type: "radio", name: `duty-${d.tech_id}`, value: s.value, checked: d.status === s.value, disabled: !mayEdit }),
            el("span", {}, t(s.key)))),
          d.recorded ? null : el("span", { class: "muted", "data-default": "" }, t("desk.roster.default")))));
    const f = el("form", { class: "card", novalidate: true, "data-field": "technicians" },
      el("h2", {}, roster.open ? t("desk.roster.open_day", { date: roster.date }) : t("desk.roster.closed_day", { date: roster.date })),
      roster.technicians.length
        ? table([t("desk.roster.tech"), t("desk.roster.status")], roster.technicians.map(row))
        : el("p", { class: "muted" }, t("desk.roster.no_technicians")),
      mayEdit && roster.technicians.length
        ? el("div", { class: "toolbar" }, el("span", { class: "grow" }), el("button", { type: "submit", class: "primary", id: "save-roster" }, t("desk.roster.save")))
        : null);
    form(f, async (key) => {
      const changed = roster.technicians
        .map((d) => ({ tech_id: d.tech_id, status: f.querySelector(`input[name="duty-${d.tech_id}"]:checked`)?.value || d.status, was: d }))
        .filter((e) => e.status !== e.was.status);
      if (!changed.length) return null;
      return command({ type: "set_roster", date: roster.date, technicians: changed.map(({ tech_id, status }) => ({ tech_id, status })) }, key);
    }, async (out) => {
      notice(out ? t("desk.roster.saved") : t("desk.roster.unchanged"), out ? "ok" : "info");
      await draw();
    });
    dayBox.replaceChildren(f);
  }

  function drawCapacity(c) {
    const h = (n) => t("desk.capacity.hours", { h: n.toFixed(1) });
    capacityBox.replaceChildren(
      el("h2", {}, t("desk.capacity.title")),
      el("p", { class: "flag red", id: "capacity-limit", hidden: !c.limit }, c.limit ? t(limitKeys[c.limit].key) : ""),
      el("table", { class: "table compact" }, el("tbody", {},
        c.bay_kinds.map((k) => el("tr", {}, el("td", {}, t(kindKeys[k.kind].key), " × ", k.bays), el("td", { class: "num" }, h(k.hours)))),
        el("tr", {}, el("td", {}, t("desk.capacity.bay_hours")), el("td", { class: "num" }, h(c.bay_hours))),
        el("tr", {}, el("td", {}, t("desk.capacity.technicians", { n: c.technicians })), el("td", { class: "num" }, h(c.tech_hours))),
        el("tr", {}, el("th", {}, t("desk.capacity.bookable")), el("th", { class: "num", id: "capacity-hours" }, h(c.hours))),
        el("tr", {}, el("td", {}, t("desk.capacity.used")), el("td", { class: "num" }, h(c.used))),
        el("tr", {}, el("th", {}, t("desk.capacity.left")), el("th", { class: "num", id: "capacity-left" }, h(c.left))))),
      el("p", { class: "muted" }, t("desk.capacity.explain")));
  }
});
