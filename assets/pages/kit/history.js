// The car's history (GET /api/v1/vehicles/{id}/history), drawn the same
// at the desk's reception and on the technician's kiosk: its past visits
// (date, mileage, work done, advisor) and the work still recommended
// (建议维修项目: extra work the customer declined, and the staff's notes
// for next time). A car the shop has never seen says so, plainly. The
// history names no customer: the floor reads it too.

import { t } from "../i18n.js";
import { el } from "./dom.js";
import { money, isoDate } from "./format.js";

// recommendationLines are the estimate lines a recommendation brings: its
// work as one labour line, and its parts.
export function recommendationLines(r) {
  const name = r.description.length > 80 ? r.description.slice(0, 79) + "…" : r.description;
  return {
    labour: [{ name, sold_hours: r.hours, price: r.labour_price }],
    parts: (r.parts || []).map((p) => ({ number: p.number, name: p.name, quantity: p.quantity, unit_price: p.unit_price })),
  };
}

function recommendationTotal(r) {
  return (r.labour_price || 0) + (r.parts || []).reduce((s, p) => s + Math.round(p.quantity * p.unit_price), 0);
}

function dayOf(iso) {
  return iso ? isoDate(new Date(iso)) : "";
}

// historyPanel draws a car's history. options: currency; offer(r), when
// given, adds a button to each recommendation that hands it to the
// caller (reception adds it to the new estimate) and marks it added;
// close(r), when given, a button to mark it done or dismissed; visits,
// the most visits to list (the rest are counted).
export function historyPanel(h, options = {}) {
  const currency = options.currency;
  const recs = h.recommendations || [];
  const visits = h.visits || [];
  const shown = visits.slice(0, options.visits || 10);

  const recList = recs.length
    ? el("ul", { class: "history-recs" }, recs.map((r) => {
      const item = el("li", { "data-recommendation": r.id },
        el("div", { class: "history-rec-top" },
          r.safety ? el("span", { class: "flag red" }, t("history.safety")) : null,
          el("strong", {}, r.description)),
        el("div", { class: "muted" },
          r.finding_id ? t("history.declined", { date: dayOf(r.recorded_at) }) : t("history.noted", { date: dayOf(r.recorded_at) }),
          " · ", t("history.hours", { n: r.hours }), " · ", money(recommendationTotal(r), currency),
          (r.parts || []).length ? " · " + r.parts.map((p) => `${p.name} ×${p.quantity}`).join("、") : ""));
      const actions = el("div", { class: "history-rec-actions" });
      if (options.offer) {
        const add = el("button", { type: "button", class: "small primary", "data-take": r.id }, t("history.add"));
        add.onclick = () => {
          options.offer(r);
          add.disabled = true;
          add.textContent = t("history.added");
        };
        actions.append(add);
      }
      if (options.close) {
        actions.append(el("button", { type: "button", class: "small quiet", "data-close": r.id, onclick: () => options.close(r) }, t("history.close")));
      }
      if (actions.childElementCount) item.append(actions);
      return item;
    }))
    : el("p", { class: "muted", id: "no-recommendations" }, t("history.no_recommendations"));

  const visitTable = visits.length
    ? el("table", { class: "table compact history-visits" },
      el("thead", {}, el("tr", {}, el("th", {}, t("history.col.date")), el("th", { class: "num" }, t("history.col.mileage")),
        el("th", {}, t("history.col.work")), el("th", {}, t("history.col.advisor")))),
      el("tbody", {}, shown.map((v) => el("tr", { "data-visit": v.job_id, class: v.stage === "cancelled" ? "inactive" : "" },
        el("td", {}, dayOf(v.delivered_at || v.at), el("div", { class: "muted" }, v.job_id)),
        el("td", { class: "num" }, v.mileage_km ? t("history.km", { n: v.mileage_km.toLocaleString() }) : "—"),
        el("td", {}, v.stage === "cancelled"
          ? el("span", { class: "muted" }, t("history.cancelled"), " · ", v.requests)
          : [(v.labour || []).map((l) => l.name).concat((v.parts || []).map((p) => `${p.name} ×${p.quantity}`)).join("、") || v.requests]),
        el("td", {}, v.advisor || "")))))
    : el("p", { class: "muted", id: "no-visits" }, t("history.no_visits"));

  const next = h.next_service;
  const nextLine = next
    ? el("p", { id: "next-service" }, t("history.next_service"), " ",
      [next.at ? dayOf(next.at) : null, next.km ? t("history.km", { n: next.km.toLocaleString() }) : null].filter(Boolean).join(t("history.or")),
      h.service_due_at ? el("span", { class: "muted" }, " · ", t("history.due", { date: dayOf(h.service_due_at) })) : null)
    : null;

  return el("section", { class: "card history", id: "history", "data-vehicle": h.vehicle.id },
    el("h2", {}, t("history.recommendations", { n: recs.length })), recList,
    el("h2", {}, t("history.visits", { n: visits.length })), visitTable,
    visits.length > shown.length ? el("p", { class: "muted" }, t("history.more", { n: visits.length - shown.length })) : null,
    nextLine);
}
