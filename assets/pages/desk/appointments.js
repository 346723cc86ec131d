// Appointments (预约): book a slot for a customer and car found by plate
// or phone (or new), with the requested work, the advisor and the parts
// to stage; the reminder calls due now (24 hours and one hour before);
// today's and tomorrow's bookings with their prep checklist, and arrival
// (which opens reception), no-show or cancellation.

import { start, api, command, el, t, lang, form, notice, problemText, ApiError, clearErrors } from "/assets/staff/app.js";
import { watchJobs, flagChips, dateTime, localValue, isoOf, advisors, registered } from "/assets/staff/advisor.js";

const statusTone = { booked: "blue", arrived: "green", no_show: "red", cancelled: "" };
const statusKeys = {
  booked: { key: "desk.appt.status_booked" },
  arrived: { key: "desk.appt.status_arrived" },
  no_show: { key: "desk.appt.status_no_show" },
  cancelled: { key: "desk.appt.status_cancelled" },
};
const limitKeys = {
  closed: { key: "desk.capacity.limit_closed" },
  no_bays: { key: "desk.capacity.limit_no_bays" },
  no_technicians: { key: "desk.capacity.limit_no_technicians" },
};
// stagedParts reads the parts the advisor notes at booking ("机油滤清器、
// 空气滤清器", "oil filter, air filter") as one part line each, one of
// each, priced when the counter picks them.
function stagedParts(text) {
  return text.split(/[,，、;；\n]+/).map((s) => s.trim()).filter(Boolean).map((name) => ({ name, quantity: 1, unit_price: 0 }));
}

const prepItems = [
  { field: "parts_staged", key: "desk.appt.prep_parts" },
  { field: "bay_assigned", key: "desk.appt.prep_bay" },
  { field: "advisor_assigned", key: "desk.appt.prep_advisor" },
];

start("desk", async (main, ctx) => {
  const { user } = ctx;
  watchJobs(user);
  const team = await advisors();
  const lists = el("div", { class: "stack", id: "lists" });
  const booking = bookingForm();
  main.append(el("h1", {}, t("desk.appt.title")), el("div", { class: "split" }, lists, booking));
  await refresh();

  async function refresh() {
    let day, reminders;
    try {
      [day, reminders] = await Promise.all([api("GET", "/api/v1/desk/appointments"), api("GET", "/api/v1/reminders")]);
    } catch (e) {
      lists.replaceChildren(el("p", { class: "error" }, problemText(e)));
      return;
    }
    const byId = new Map(day.appointments.map((a) => [a.id, a]));
    const parts = [];
    const due = reminders.filter((r) => byId.has(r.appointment.id));
    parts.push(el("section", { class: "card", id: "reminders" },
      el("h2", {}, t("desk.appt.reminders", { n: due.length })),
      due.length ? el("table", { class: "table compact" }, el("tbody", {}, due.map((r) => {
        const a = byId.get(r.appointment.id);
        return el("tr", { "data-reminder": a.id },
          el("td", {}, el("span", { class: "flag yellow" }, r.kind === "1h" ? t("desk.appt.remind_1h") : t("desk.appt.remind_24h"))),
          el("td", {}, dateTime(a.at)), el("td", { class: "plate" }, a.plate), el("td", {}, a.customer),
          el("td", {}, el("a", { href: `tel:${a.phone}` }, a.phone)),
          el("td", {}, el("button", {
            type: "button", class: "small", onclick: (ev) => act(ev, { type: "update_appointment", id: a.id, prep: { ...a.prep, [r.kind === "1h" ? "reminded_1h" : "reminded_24h"]: true } }),
          }, t("desk.appt.reminded"))));
      }))) : el("p", { class: "muted" }, t("desk.appt.no_reminders"))));
    for (const [date, title] of [[day.today, (v) => t("desk.appt.today", v)], [day.tomorrow, (v) => t("desk.appt.tomorrow", v)]]) {
      const list = day.appointments.filter((a) => a.day === date);
      parts.push(el("section", { class: "card", "data-day": date },
        el("h2", {}, title({ date, n: list.length })),
        list.length ? apptTable(list) : el("p", { class: "muted" }, t("desk.appt.none"))));
    }
    lists.replaceChildren(...parts);
  }

  function apptTable(list) {
    return el("table", { class: "table compact" },
      el("thead", {}, el("tr", {}, el("th", {}, t("desk.col.time")), el("th", {}, t("desk.col.plate")), el("th", {}, t("desk.col.customer")),
        el("th", {}, t("desk.col.requested")), el("th", { class: "nowrap" }, t("desk.col.advisor")), el("th", {}, t("desk.appt.prep")), el("th", {}, t("desk.col.status")))),
      el("tbody", {}, list.map((a) => {
        const booked = a.status === "booked";
        return el("tr", { "data-appointment": a.id },
          el("td", { class: "num" }, dateTime(a.at)),
          el("td", { class: "plate" }, a.plate, el("div", { class: "muted" }, a.model)),
          el("td", {}, a.customer, " ", flagChips(a.key_customer ? ["key_customer"] : []), el("div", {}, el("a", { href: `tel:${a.phone}` }, a.phone))),
          el("td", { class: "pre" }, a.requested,
            a.parts?.length ? el("div", { class: "muted", "data-parts": a.id }, t("desk.appt.parts_line", { parts: a.parts.map((p) => p.name).join(lang() === "en" ? ", " : "、") })) : null,
            a.hours ? el("div", { class: "muted" }, t("desk.capacity.hours", { h: a.hours.toFixed(1) })) : null,
            a.over_capacity ? el("div", { class: "flag yellow", "data-over-capacity": a.id }, t("desk.appt.over_capacity", { reason: a.over_capacity })) : null),
          el("td", { class: "nowrap" }, a.advisor || "—"),
          el("td", {}, el("div", { class: "checks prep" }, prepItems.map((p) => el("label", { class: "check" },
            el("input", {
              type: "checkbox", checked: a.prep[p.field], disabled: !booked, "data-prep": p.field,
              onchange: (ev) => act(ev, { type: "update_appointment", id: a.id, prep: { ...a.prep, [p.field]: ev.target.checked } }),
            }), el("span", {}, t(p.key)))))),
          el("td", {},
            el("span", { class: `flag ${statusTone[a.status] || ""}`, "data-status": a.status }, t(statusKeys[a.status]?.key || "desk.appt.status_booked")),
            booked ? el("div", { class: "toolbar" },
              el("a", { href: `/desk/reception?appointment=${encodeURIComponent(a.id)}`, "data-arrived": a.id }, t("desk.appt.arrived")),
              el("button", { type: "button", class: "small", "data-no-show": a.id, onclick: (ev) => act(ev, { type: "update_appointment", id: a.id, status: "no_show" }) }, t("desk.appt.no_show")),
              el("button", { type: "button", class: "small", "data-cancel": a.id, onclick: (ev) => confirm(t("desk.appt.cancel_confirm")) && act(ev, { type: "update_appointment", id: a.id, status: "cancelled" }) }, t("desk.appt.cancel"))) : null,
            a.job_id ? el("div", {}, el("a", { href: `/desk/jobs?job=${encodeURIComponent(a.job_id)}` }, a.job_id)) : null));
      })));
  }

  async function act(ev, cmd) {
    const target = ev.target;
    target.disabled = true;
    try {
      await command(cmd);
      await refresh();
    } catch (e) {
      notice(problemText(e), "alert");
      target.disabled = false;
    }
  }

  // bookingForm finds the customer and car, or takes new ones, and books.
  function bookingForm() {
    let chosen = null;
    const q = el("input", { type: "search", name: "q", "data-field": "customer_id", autocomplete: "off", placeholder: t("desk.find.placeholder"), "aria-label": t("desk.find.placeholder") });
    const hits = el("div", { class: "hits" });
    const who = el("div", { id: "chosen", "data-field": "vehicle_id" }, el("p", { class: "muted" }, t("desk.appt.choose")));
    const findButton = el("button", { type: "button", onclick: find }, t("desk.find.button"));
    q.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); find(); } });
    // Tomorrow at 09:00 on the shop's clock.
    const tomorrow9 = localValue(new Date(Date.now() + 864e5).toISOString()).slice(0, 10) + "T09:00";
    const newFields = el("fieldset", { class: "tight", hidden: true, id: "new-fields" }, el("legend", {}, t("desk.reception.new_customer")),
      el("div", { class: "grid2" },
        el("label", {}, el("span", {}, t("desk.field.name")), el("input", { name: "name", "data-field": "customer.name" })),
        el("label", {}, el("span", {}, t("desk.field.phone")), el("input", { name: "phone", "data-field": "customer.phone", inputmode: "tel" })),
        el("label", {}, el("span", {}, t("desk.field.plate")), el("input", { name: "plate", "data-field": "vehicle.plate" })),
        el("label", {}, el("span", {}, t("desk.field.model")), el("input", { name: "model", "data-field": "vehicle.model" })),
        el("label", { class: "check span2" }, el("input", { type: "checkbox", name: "key_customer" }), el("span", {}, t("desk.field.key_customer")))));
    // The day's capacity where the booking would go: each slot's hours
    // left, and a warning before saving when the slot or the day is full.
    // A full slot warns and still books (a key customer, a recall): the
    // advisor may say why, and the booking keeps the reason.
    const capacityBox = el("div", { id: "slot-capacity", "aria-live": "polite" });
    const overField = el("label", { hidden: true, id: "over-capacity" }, el("span", {}, t("desk.field.over_capacity")), el("input", { name: "over_capacity", "data-field": "over_capacity" }));
    let fit = null;
    const f = el("form", { class: "card side", id: "book", novalidate: true },
      el("h2", {}, t("desk.appt.book")),
      el("div", { class: "toolbar" }, q, findButton,
        el("button", { type: "button", class: "quiet", id: "new-customer", onclick: () => { chosen = null; newFields.hidden = false; who.replaceChildren(); hits.replaceChildren(); } }, t("desk.appt.new_customer"))),
      hits, who, newFields,
      el("div", { class: "grid2" },
        el("label", {}, el("span", {}, t("desk.field.at")), el("input", { type: "datetime-local", name: "at", value: tomorrow9, step: 900 })),
        el("label", {}, el("span", {}, t("desk.field.advisor")), el("select", { name: "advisor_id" }, el("option", { value: "" }, t("desk.appt.any_advisor")),
          team.map((a) => el("option", { value: a.id, selected: a.id === user.id }, a.name))))),
      el("div", { class: "grid2" },
        el("label", {}, el("span", {}, t("desk.field.booking_hours")), el("input", { type: "number", name: "hours", min: 0, max: 200, step: 0.5, placeholder: "1", inputmode: "decimal" }))),
      capacityBox,
      overField,
      el("label", {}, el("span", {}, t("desk.field.requested")), el("textarea", { name: "requested", rows: 3 })),
      el("label", {}, el("span", {}, t("desk.field.stage_parts")), el("input", { name: "stage_parts", placeholder: t("desk.field.stage_parts_hint") })),
      el("div", { class: "toolbar" }, el("span", { class: "grow" }), el("button", { type: "submit", class: "primary", id: "book-button" }, t("desk.appt.book_button"))));

    async function find() {
      if (!q.value.trim()) return q.focus();
      try {
        const found = await api("GET", "/api/v1/desk/lookup?q=" + encodeURIComponent(q.value.trim()));
        hits.replaceChildren(found.length ? el("table", { class: "table compact" }, el("tbody", {}, found.filter((h) => h.vehicle).map((h) =>
          el("tr", { tabindex: 0, "data-pick": h.vehicle.plate, onclick: () => pick(h), onkeydown: (ev) => ev.key === "Enter" && (ev.preventDefault(), pick(h)) },
            el("td", { class: "plate" }, h.vehicle.plate), el("td", {}, h.vehicle.model), el("td", {}, h.customer.name, " ", flagChips(h.customer.key_customer ? ["key_customer"] : [])),
            el("td", {}, h.customer.phone), el("td", { class: "muted" }, h.appointment ? t("desk.appt.has_booking", { time: dateTime(h.appointment.at) }) : ""))))) : el("p", { class: "muted" }, t("desk.find.none")));
      } catch (e) {
        hits.replaceChildren(el("p", { class: "error" }, problemText(e)));
      }
    }
    // offer shows the car a typed plate is registered to, with its owner,
    // to book for them instead of registering the car a second time.
    function offer(h) {
      hits.replaceChildren(el("div", { class: "card registered", id: "registered" },
        el("p", {}, t("desk.appt.plate_registered", { plate: h.vehicle.plate, customer: h.customer.name })),
        el("button", { type: "button", class: "primary", id: "use-registered", onclick: () => { clearErrors(f); pick(h); } }, t("desk.appt.use_registered"))));
    }
    async function checkPlate() {
      try {
        const h = await registered(f.plate.value);
        if (h && !chosen && !newFields.hidden) offer(h);
        return h;
      } catch (e) {
        return null; // the send checks again, and says what went wrong
      }
    }
    function pick(h) {
      chosen = h;
      newFields.hidden = true;
      newFields.querySelectorAll("input").forEach((i) => (i.type === "checkbox" ? (i.checked = false) : (i.value = "")));
      hits.replaceChildren();
      who.replaceChildren(el("p", {}, el("strong", { class: "plate" }, h.vehicle.plate), " ", h.vehicle.model, " · ", h.customer.name, " ", h.customer.phone, " ", flagChips(h.customer.key_customer ? ["key_customer"] : [])));
      f.requested.focus();
    }

    f.plate.addEventListener("change", checkPlate);
    f.at.addEventListener("change", showCapacity);
    f.hours.addEventListener("input", showCapacity);
    showCapacity();

    async function showCapacity() {
      const at = isoOf(f.at.value);
      if (!at) {
        capacityBox.replaceChildren();
        fit = null;
        overField.hidden = true;
        return;
      }
      let c;
      try {
        c = await api("GET", `/api/v1/capacity?at=${encodeURIComponent(at)}&hours=${encodeURIComponent(Number(f.hours.value) || 0)}`);
      } catch (e) {
        capacityBox.replaceChildren(el("p", { class: "error" }, problemText(e)));
        return;
      }
      if (isoOf(f.at.value) !== at) return; // a later change asked again
      fit = c.fit;
      const clock = (iso) => localValue(iso).slice(11, 16);
      const chosen = c.slots[fit.slot];
      const warning = {
        no_capacity: () => t(limitKeys[c.limit].key),
        outside: () => t("desk.capacity.outside"),
        slot_full: () => t("desk.capacity.slot_full", { from: clock(chosen.from), to: clock(chosen.to), left: chosen.left.toFixed(1), h: fit.hours.toFixed(1) }),
        day_full: () => t("desk.capacity.day_full", { h: fit.hours.toFixed(1), left: c.left.toFixed(1) }),
      }[fit.why];
      capacityBox.replaceChildren(
        el("p", { class: "muted" }, t("desk.capacity.day", { date: c.date, left: c.left.toFixed(1), hours: c.hours.toFixed(1) })),
        el("div", { class: "slots" }, c.slots.map((s, i) => el("span", {
          class: `flag ${s.full ? "red" : s.left < fit.hours ? "yellow" : "green"}${i === fit.slot ? " chosen" : ""}`,
          "data-slot": i, "data-left": s.left,
        }, `${clock(s.from)}–${clock(s.to)} `, s.full ? t("desk.capacity.slot_is_full") : t("desk.capacity.left_short", { h: s.left.toFixed(1) })))),
        ...(warning ? [el("p", { class: "form-error", role: "alert", id: "capacity-warning" }, warning(), " ", t("desk.capacity.book_anyway"))] : []));
      overField.hidden = !warning;
    }

    let made = null; // a new customer and car made by an earlier, refused send
    form(f, async (key) => {
      let customerId = chosen?.customer.id, vehicleId = chosen?.vehicle.id;
      if (!chosen && !newFields.hidden) {
        // A car already registered is booked for its owner, not made again
        // with a second customer: the plate is refused and the car offered.
        if (!made && (await registered(f.plate.value))) {
          await checkPlate();
          throw new ApiError(409, { code: "conflict", errors: [{ field: "vehicle.plate", message: "is registered already" }] });
        }
        if (!made) {
          const c = await command({ type: "put_customer", customer: { name: f.name.value.trim(), phone: f.phone.value.trim(), key_customer: f.key_customer.checked } }, key + "-c");
          made = { customerId: c.event.subject };
        }
        if (!made.vehicleId) {
          const v = await command({ type: "put_vehicle", vehicle: { customer_id: made.customerId, plate: f.plate.value.trim(), model: f.model.value.trim() } }, key + "-v");
          made.vehicleId = v.event.subject;
        }
        customerId = made.customerId;
        vehicleId = made.vehicleId;
      }
      // The work is the customer's words, as they said it; the parts the
      // advisor notes are the booking's parts, one line each, which the
      // counter prepares (the pick list), not words on the job card.
      const parts = stagedParts(f.stage_parts.value);
      try {
        return await command({ type: "book_appointment", at: isoOf(f.at.value) || "0001-01-01T00:00:00Z", customer_id: customerId || "", vehicle_id: vehicleId || "", requested: f.requested.value.trim(), advisor_id: f.advisor_id.value, parts,
          hours: Number(f.hours.value) || 0, over_capacity: fit && !fit.fits ? f.over_capacity.value.trim() : "" }, key);
      } catch (e) {
        // A refused part line ("parts[1].name") is said at the parts field.
        for (const fe of e.fields || []) if (fe.field.startsWith("parts")) fe.field = "stage_parts";
        throw e;
      }
    }, async () => {
      notice(t("desk.appt.booked"), "ok");
      // The form is empty for the next booking.
      f.reset();
      newFields.hidden = true;
      hits.replaceChildren();
      chosen = null;
      made = null;
      who.replaceChildren(el("p", { class: "muted" }, t("desk.appt.choose")));
      q.focus();
      await refresh();
      await showCapacity();
    });
    return f;
  }
});
