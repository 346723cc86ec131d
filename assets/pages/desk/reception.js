// Reception (接车): a car arrives. The advisor finds it by plate or phone
// (its appointment, or a walk-in; a new customer and car in a few
// fields), walks round it with the customer, writes their requests in
// their words, builds the estimate from the shop's catalogue, agrees the
// promised time (suggested from the shop's load), wash, old parts and a
// time for the follow-up call, and opens the job — once, however often
// the form is sent. Then the seat label, job card and stamped estimate
// print, and the customer's signature is recorded, which hands the job to
// dispatch. ?q= searches at once; ?appointment= receives that booking.
// A car chosen shows its history: past visits and the work still
// recommended (建议维修项目), each added to the new estimate in one click
// and closed by the job that takes it.
// Once the job is open, before the customer signs, the advisor photographs
// the car with them: a slot per position (front, rear, left, right,
// interior, dashboard: the mileage and fuel gauge) and any more damage,
// tagged by position. They protect the shop when a customer later says a
// scratch is new; they go up in the background while the papers print.

import { start, api, command, el, t, money, form, notice, problemText, ApiError } from "/assets/staff/app.js";
import { watchJobs, flagChips, dateTime, localValue, isoOf, fen, yuan, advisors, printPanel, registered } from "/assets/staff/advisor.js";
import { picker } from "/assets/staff/picker.js";
import { historyPanel, recommendationLines } from "/assets/kit/history.js";
import { photoQueue, photoPicker, photoThumbs, positionName, POSITIONS } from "/assets/kit/photos.js";
import { messagePrefs } from "/assets/staff/messageprefs.js";

// The protective covers by the name the shop's settings give them
// (三件套 or 五件套), as the job card prints them.
const coverKeys = { three: { key: "desk.field.covers_on" }, five: { key: "desk.field.covers_on_five" } };

start("desk", async (main, ctx) => {
  const { user, settings } = ctx;
  const currency = settings.currency;
  watchJobs(user);
  const params = new URLSearchParams(location.search);
  const [team, day] = await Promise.all([
    advisors(),
    api("GET", "/api/v1/desk/appointments"),
  ]);

  const finder = el("form", { class: "toolbar", id: "find" },
    el("input", { type: "search", name: "q", required: true, autocomplete: "off", placeholder: t("desk.find.placeholder"), "aria-label": t("desk.find.placeholder"), value: params.get("q") || "" }),
    el("button", { type: "submit", class: "primary" }, t("desk.find.button")));
  const hits = el("div", { class: "hits", id: "hits" });
  const expected = day.appointments.filter((a) => a.status === "booked" && a.day === day.today);
  const work = el("div", { id: "work" });
  main.append(el("h1", {}, t("desk.reception.title")), finder, hits, work);

  if (expected.length) {
    hits.append(el("h2", {}, t("desk.reception.expected", { n: expected.length })),
      hitTable(expected.map((a) => ({ vehicle: { id: a.vehicle_id, plate: a.plate, model: a.model }, customer: { id: a.customer_id, name: a.customer, phone: a.phone, key_customer: a.key_customer }, appointment: a }))));
  }

  form(finder, async () => api("GET", "/api/v1/desk/lookup?q=" + encodeURIComponent(finder.q.value.trim())), (found) => {
    hits.replaceChildren(found.length ? hitTable(found) : el("p", { class: "muted" }, t("desk.find.none")), newCustomer());
  });

  function hitTable(list) {
    return el("table", { class: "table compact" },
      el("thead", {}, el("tr", {}, el("th", {}, t("desk.col.plate")), el("th", {}, t("desk.col.customer")), el("th", {}, t("desk.col.phone")),
        el("th", {}, t("desk.col.appointment")), el("th", {}, ""))),
      el("tbody", {}, list.map((h) => el("tr", { "data-plate": h.vehicle?.plate || "" },
        el("td", { class: "plate" }, h.vehicle?.plate || "—", el("div", { class: "muted" }, h.vehicle?.model || "")),
        el("td", {}, h.customer?.name || "", " ", flagChips(h.customer?.key_customer ? ["key_customer"] : [])),
        el("td", {}, h.customer?.phone || ""),
        el("td", {}, h.appointment ? [dateTime(h.appointment.at), " ", el("span", { class: "muted" }, h.appointment.requested)] : el("span", { class: "muted" }, t("desk.reception.walk_in"))),
        el("td", {}, h.open_job
          ? el("a", { href: `/desk/jobs?job=${encodeURIComponent(h.open_job)}` }, t("desk.reception.open_job", { id: h.open_job }))
          : h.vehicle ? el("button", { type: "button", class: "primary small", "data-receive": h.vehicle.plate, onclick: () => receive(h) }, t("desk.reception.receive")) : null)))));
  }

  // newCustomer takes a walk-in whose car the shop does not know yet.
  function newCustomer() {
    const f = el("form", { class: "card", id: "new-customer", novalidate: true },
      el("h2", {}, t("desk.reception.new_customer")),
      el("div", { class: "grid4" },
        el("label", {}, el("span", {}, t("desk.field.name")), el("input", { name: "name", "data-field": "customer.name", required: true })),
        el("label", {}, el("span", {}, t("desk.field.phone")), el("input", { name: "phone", "data-field": "customer.phone", inputmode: "tel", required: true })),
        el("label", {}, el("span", {}, t("desk.field.plate")), el("input", { name: "plate", "data-field": "vehicle.plate", value: finder.q.value, required: true })),
        el("label", {}, el("span", {}, t("desk.field.model")), el("input", { name: "model", "data-field": "vehicle.model" })),
        el("label", { class: "span2" }, el("span", {}, t("desk.field.vin")), el("input", { name: "vin", "data-field": "vehicle.vin", maxlength: 17 })),
        el("label", { class: "check" }, el("input", { type: "checkbox", name: "key_customer" }), el("span", {}, t("desk.field.key_customer"))),
        el("div", {}, el("button", { type: "submit", class: "primary" }, t("desk.reception.create")))));
    let customerId = "";
    form(f, async (key) => {
      if (!customerId) {
        // A car already registered is received for its owner, not made
        // again with a second customer: the plate is refused and the car
        // offered above the form.
        const known = await registered(f.plate.value);
        if (known) {
          hits.replaceChildren(hitTable([known]), f);
          throw new ApiError(409, { code: "conflict", errors: [{ field: "vehicle.plate", message: "is registered already" }] });
        }
        const c = await command({ type: "put_customer", customer: { name: f.name.value.trim(), phone: f.phone.value.trim(), key_customer: f.key_customer.checked } }, key + "-c");
        customerId = c.event.subject;
      }
      const v = await command({ type: "put_vehicle", vehicle: { customer_id: customerId, plate: f.plate.value.trim(), model: f.model.value.trim(), vin: f.vin.value.trim() } }, key + "-v");
      return { customerId, vehicleId: v.event.subject };
    }, ({ customerId: cid, vehicleId }) => {
      receive({ vehicle: { id: vehicleId, plate: f.plate.value.trim(), model: f.model.value.trim() }, customer: { id: cid, name: f.name.value.trim(), phone: f.phone.value.trim(), key_customer: f.key_customer.checked } });
    });
    return f;
  }

  // receive opens the reception form for a car.
  function receive(hit) {
    hits.replaceChildren();
    const ap = hit.appointment;
    const labour = [];
    const lines = [];
    let promisedTouched = false;

    // The catalogue is searched as the advisor types (code, name, or the
    // pinyin initials of the name); picking a match adds its line.
    const find = (list) => (q) => api("GET", `/api/v1/${list}?active=true&limit=20&q=${encodeURIComponent(q)}`);
    const pickerWords = { empty: t("desk.estimate.no_match"), more: (shown, total) => t("desk.estimate.more_matches", { shown, total }) };
    const opPicker = picker({ name: "op", label: t("desk.estimate.operation"), placeholder: t("desk.estimate.find_operation"), ...pickerWords,
      search: find("operations"), value: (o) => o.code, text: (o) => `${o.code} · ${o.name} · ${o.sold_hours}h · ${money(o.price, currency)}`, onPick: addOp });
    const partPicker = picker({ name: "part", label: t("desk.estimate.part"), placeholder: t("desk.estimate.find_part"), ...pickerWords,
      search: find("catalog-parts"), value: (p) => p.number, text: (p) => `${p.number} · ${p.name} · ${money(p.unit_price, currency)}`, onPick: addPart });
    const partQty = el("input", { type: "number", name: "part_qty", value: 1, min: 0.1, step: "any", class: "qty", "aria-label": t("desk.col.qty"), style: "width:5rem" });
    const lineBody = el("tbody");
    const totals = el("div", { class: "total-line", id: "totals" });
    const promised = el("input", { type: "datetime-local", name: "promised_at", required: true });
    // The history sits in the reception form, under the car; its own
    // small forms (close a recommendation, note one) stop their submit
    // events there, so that the reception form's handler, which opens
    // the job, never takes one for its own.
    const history = el("div", { id: "history-slot", "data-field": "recommendation_ids" });
    const own = (inner) => inner.addEventListener("submit", (ev) => ev.stopPropagation());
    const suggestNote = el("span", { class: "muted" });

    const f = el("form", { class: "stack", id: "reception", novalidate: true },
      el("div", { class: "card" },
        el("div", { class: "toolbar" },
          el("h2", { class: "plate" }, hit.vehicle.plate), el("span", { class: "muted" }, hit.vehicle.model),
          el("strong", {}, hit.customer.name), el("span", {}, hit.customer.phone), flagChips(hit.customer.key_customer ? ["key_customer"] : []),
          ap ? el("span", { class: "flag blue" }, t("desk.reception.from_appointment", { time: dateTime(ap.at) })) : el("span", { class: "flag" }, t("desk.reception.walk_in")))),
      history,
      el("div", { class: "row" },
        el("fieldset", { class: "tight" }, el("legend", {}, el("span", { class: "step" }, "1"), t("desk.reception.walk_around")),
          el("div", { class: "grid4" },
            el("label", {}, el("span", {}, t("desk.field.mileage")), el("input", { type: "number", name: "mileage_km", "data-field": "walk_around.mileage_km", min: 0, value: hit.vehicle.mileage_km || "" })),
            el("label", {}, el("span", {}, t("desk.field.fuel")), el("input", { type: "number", name: "fuel_percent", "data-field": "walk_around.fuel_percent", min: 0, max: 100, step: 5, value: 50 })),
            el("label", { class: "span2" }, el("span", {}, t("desk.field.damage")), el("input", { name: "damage", "data-field": "walk_around.damage", placeholder: t("desk.field.damage_hint") })),
            el("label", {}, el("span", {}, t("desk.field.valuables")), el("input", { name: "valuables", "data-field": "walk_around.valuables" })),
            el("label", {}, el("span", {}, t("desk.field.walk_notes")), el("input", { name: "walk_notes", "data-field": "walk_around.notes" })),
            el("label", { class: "check span-all" }, el("input", { type: "checkbox", name: "covers_on", checked: true }), el("span", {}, t((coverKeys[ctx.settings.cover_set] || coverKeys.three).key))))),
        el("fieldset", { class: "tight" }, el("legend", {}, el("span", { class: "step" }, "2"), t("desk.reception.requests")),
          el("label", {}, el("span", {}, t("desk.field.requests")), el("textarea", { name: "requests", rows: 4 }, ap?.requested || "")))),
      el("fieldset", { class: "tight" }, el("legend", {}, el("span", { class: "step" }, "3"), t("desk.reception.estimate")),
        el("div", { class: "toolbar" }, opPicker, partQty, partPicker,
          el("button", { type: "button", class: "small quiet", onclick: () => { lines.push({ kind: "labour", name: "", sold_hours: 0, price: 0 }); drawLines(); } }, t("desk.estimate.free_line"))),
        el("table", { class: "table compact", id: "lines", "data-field": "labour" },
          el("thead", {}, el("tr", {}, el("th", {}, t("desk.col.item")), el("th", {}, t("desk.col.number")), el("th", { class: "num" }, t("desk.col.hours_qty")),
            el("th", { class: "num" }, t("desk.col.price")), el("th", { class: "num" }, t("desk.col.amount")), el("th", {}, ""))),
          lineBody),
        totals),
      el("fieldset", { class: "tight" }, el("legend", {}, el("span", { class: "step" }, "4"), t("desk.reception.promise")),
        el("div", { class: "grid4" },
          el("label", {}, el("span", {}, t("desk.field.promised_at")), promised, suggestNote),
          el("label", {}, el("span", {}, t("desk.field.follow_up_at")), el("input", { type: "datetime-local", name: "follow_up_at" })),
          el("label", {}, el("span", {}, t("desk.field.advisor")), el("select", { name: "advisor_id" },
            team.map((a) => el("option", { value: a.id, selected: a.id === (ap?.advisor_id || user.id) }, a.name)))),
          el("label", {}, el("span", {}, t("desk.field.priority")), el("input", { type: "number", name: "priority", min: 0, max: 9, value: hit.customer.key_customer ? 5 : 0 })),
          el("label", { class: "check" }, el("input", { type: "checkbox", name: "wash", checked: true, onchange: suggest }), el("span", {}, t("desk.field.wash"))),
          el("label", { class: "check" }, el("input", { type: "checkbox", name: "keep_old_parts" }), el("span", {}, t("desk.field.keep_old_parts"))))),
      el("div", { class: "toolbar" }, el("span", { class: "grow" }),
        el("button", { type: "button", onclick: () => location.assign("/desk/reception") }, t("desk.cancel")),
        el("button", { type: "submit", class: "primary", id: "open-job" }, t("desk.reception.open"))));
    // The customer's wishes about messages, beside the reception form.
    work.replaceChildren(messagePrefs(hit.customer), f);
    promised.addEventListener("input", () => (promisedTouched = true));
    f.requests.focus();
    showHistory();

    // showHistory draws the car's history; a recommendation offered
    // brings its lines into the estimate, marked with its id, so that the
    // job opened takes it (and a line removed gives it back).
    async function showHistory() {
      let h;
      try {
        h = await api("GET", `/api/v1/vehicles/${encodeURIComponent(hit.vehicle.id)}/history`);
      } catch (e) {
        history.replaceChildren(el("p", { class: "error" }, t("history.load_failed", { error: problemText(e) })));
        return;
      }
      const close = ctx.may.includes("close_recommendation") ? closeForm : null;
      const panel = historyPanel(h, { currency, offer: takeRecommendation, close });
      if (ctx.may.includes("record_recommendation")) panel.append(noteForm());
      history.replaceChildren(panel);
    }
    // noteForm records work the customer will not have now, offered at
    // the car's next visit (建议维修项目).
    function noteForm() {
      const nf = el("form", { class: "toolbar", id: "note-recommendation", novalidate: true },
        el("input", { name: "description", "data-field": "description", class: "grow", placeholder: t("desk.history.note"), "aria-label": t("desk.history.note") }),
        el("label", {}, el("span", {}, t("desk.history.hours")), el("input", { type: "number", name: "hours", "data-field": "hours", min: 0, step: "any", value: 0, style: "width:5rem" })),
        el("label", {}, el("span", {}, t("desk.history.labour_price")), el("input", { type: "number", name: "labour_price", "data-field": "labour_price", min: 0, step: "any", value: 0, style: "width:7rem" })),
        el("label", { class: "check" }, el("input", { type: "checkbox", name: "safety" }), el("span", {}, t("history.safety"))),
        el("button", { type: "submit", class: "small" }, t("desk.history.record")));
      own(nf);
      form(nf, (key) => command({ type: "record_recommendation", vehicle_id: hit.vehicle.id, description: nf.description.value.trim(),
        hours: parseFloat(nf.hours.value) || 0, labour_price: fen(nf.labour_price.value), safety: nf.safety.checked }, key), async () => {
        notice(t("desk.history.recorded"), "ok");
        await showHistory();
      });
      return nf;
    }
    function takeRecommendation(r) {
      const add = recommendationLines(r);
      for (const l of add.labour) lines.push({ kind: "labour", rec: r.id, ...l });
      for (const p of add.parts) lines.push({ kind: "part", rec: r.id, ...p });
      drawLines();
    }
    // closeForm asks why a recommendation is closed (done elsewhere, or
    // no longer worth offering) and closes it.
    function closeForm(r) {
      const item = history.querySelector(`[data-recommendation="${CSS.escape(r.id)}"]`);
      if (!item || item.querySelector("form")) return;
      const cf = el("form", { class: "toolbar", novalidate: true, "data-closing": r.id },
        el("select", { name: "status", "data-field": "status", "aria-label": t("desk.history.outcome") },
          el("option", { value: "done" }, t("desk.history.done")), el("option", { value: "dismissed" }, t("desk.history.dismissed"))),
        el("input", { name: "reason", "data-field": "reason", class: "grow", placeholder: t("desk.history.reason"), "aria-label": t("desk.history.reason") }),
        el("button", { type: "submit", class: "small" }, t("desk.history.close")));
      own(cf);
      item.append(cf);
      cf.reason.focus();
      form(cf, (key) => command({ type: "close_recommendation", recommendation_id: r.id, status: cf.status.value, reason: cf.reason.value.trim() }, key), async () => {
        notice(t("desk.history.closed"), "ok");
        await showHistory();
      });
    }

    function addOp(o) {
      lines.push({ kind: "labour", code: o.code, name: o.name, sold_hours: o.sold_hours, price: o.price });
      drawLines();
    }
    function addPart(p) {
      lines.push({ kind: "part", number: p.number, name: p.name, quantity: parseFloat(partQty.value) || 1, unit_price: p.unit_price });
      partQty.value = 1;
      drawLines();
    }
    function payload() {
      let li = 0, pi = 0;
      const lab = [], par = [];
      for (const l of lines) {
        if (l.kind === "labour") { l.field = `labour[${li++}]`; lab.push({ code: l.code, name: l.name, sold_hours: l.sold_hours, price: l.price }); }
        else { l.field = `parts[${pi++}]`; par.push({ number: l.number, name: l.name, quantity: l.quantity, unit_price: l.unit_price }); }
      }
      return { labour: lab, parts: par, recommendation_ids: [...new Set(lines.filter((l) => l.rec).map((l) => l.rec))] };
    }
    function drawLines() {
      payload();
      lineBody.replaceChildren(...lines.map((l, i) => {
        const isLabour = l.kind === "labour";
        const amount = isLabour ? l.price : Math.round(l.quantity * l.unit_price);
        const num = (field, value, onset) => el("input", { type: "number", step: "any", min: 0, value, "data-field": `${l.field}.${field}`, oninput: (ev) => { onset(ev.target.value); drawTotals(); } });
        return el("tr", { "data-line": i },
          el("td", {}, el("input", { value: l.name, "data-field": `${l.field}.name`, "aria-label": t("desk.col.item"), oninput: (ev) => (l.name = ev.target.value) })),
          el("td", { class: "muted" }, isLabour ? l.code || "" : l.number || ""),
          el("td", { class: "qty" }, isLabour ? num("sold_hours", l.sold_hours, (v) => (l.sold_hours = parseFloat(v) || 0)) : num("quantity", l.quantity, (v) => (l.quantity = parseFloat(v) || 0))),
          el("td", { class: "money" }, num(isLabour ? "price" : "unit_price", yuan(isLabour ? l.price : l.unit_price), (v) => { if (isLabour) l.price = fen(v); else l.unit_price = fen(v); })),
          el("td", { class: "num" }, money(amount, currency)),
          el("td", {}, el("button", { type: "button", class: "small quiet", "aria-label": t("desk.estimate.remove"), onclick: () => { lines.splice(i, 1); drawLines(); } }, "✕")));
      }));
      if (!lines.length) lineBody.append(el("tr", {}, el("td", { colspan: 6, class: "empty" }, t("desk.estimate.empty"))));
      drawTotals();
    }
    function drawTotals() {
      let lab = 0, par = 0, hours = 0;
      for (const l of lines) {
        if (l.kind === "labour") { lab += l.price; hours += l.sold_hours; } else par += Math.round(l.quantity * l.unit_price);
      }
      totals.replaceChildren(
        el("span", {}, t("desk.estimate.hours", { n: hours.toFixed(1) })),
        el("span", {}, t("desk.estimate.labour"), " ", money(lab, currency)),
        el("span", {}, t("desk.estimate.parts"), " ", money(par, currency)),
        el("strong", { id: "estimate-total" }, t("desk.total"), " ", money(lab + par, currency)));
      clearTimeout(drawTotals.timer);
      drawTotals.timer = setTimeout(suggest, 300);
      return hours;
    }
    async function suggest() {
      if (promisedTouched) return;
      const hours = lines.filter((l) => l.kind === "labour").reduce((s, l) => s + l.sold_hours, 0);
      try {
        const s = await api("GET", `/api/v1/promise?hours=${hours}&wash=${f.wash.checked}`);
        promised.value = localValue(s.promised_at);
        suggestNote.textContent = t("desk.reception.suggested");
      } catch (e) {
        suggestNote.textContent = problemText(e);
      }
    }
    drawLines();

    form(f, (key) => {
      const body = {
        type: "open_job", customer_id: hit.customer.id, vehicle_id: hit.vehicle.id, advisor_id: f.advisor_id.value,
        priority: parseInt(f.priority.value, 10) || 0, requests: f.requests.value.trim(), ...payload(),
        promised_at: isoOf(promised.value) || null, wash: f.wash.checked, keep_old_parts: f.keep_old_parts.checked,
        walk_around: {
          fuel_percent: parseInt(f.fuel_percent.value, 10) || 0, mileage_km: parseInt(f.mileage_km.value, 10) || 0,
          damage: f.damage.value.trim(), valuables: f.valuables.value.trim(), covers_on: f.covers_on.checked, notes: f.walk_notes.value.trim(),
        },
      };
      if (ap) body.appointment_id = ap.id;
      const follow = isoOf(f.follow_up_at.value);
      if (follow) body.follow_up_at = follow;
      if (!body.promised_at) delete body.promised_at;
      return command(body, key);
    }, (out) => opened(out.job));
  }

  // opened shows the new job: print its papers, then record the
  // customer's signature, which sends it to dispatch.
  function opened(status) {
    const j = status.job;
    notice(t("desk.reception.opened", { id: j.id, plate: status.plate }), "ok");
    const photos = walkAroundPhotos(j.id);
    const sign = el("form", { id: "sign" },
      el("p", {}, t("desk.reception.sign_hint")),
      el("button", { type: "submit", class: "primary", id: "signed" }, t("desk.reception.signed")));
    const done = el("div", { class: "card stack", id: "opened", "data-job": j.id },
      el("h2", {}, t("desk.reception.job_opened", { id: j.id }), " ", el("span", { class: "plate" }, status.plate)),
      el("p", {}, t("desk.reception.estimate_total", { total: money(j.labour.reduce((s, l) => s + l.price, 0) + j.parts.reduce((s, p) => s + Math.round(p.quantity * p.unit_price), 0), currency) }), " · ",
        t("desk.col.promised"), " ", dateTime(j.promised_at)),
      el("h2", {}, t("desk.jobs.print")),
      printPanel(j.id, ["seat-label", "job-card", "estimate"]),
      photos.section,
      sign,
      el("p", {}, el("a", { href: "/desk/reception" }, t("desk.reception.next")), " · ", el("a", { href: `/desk/jobs?job=${encodeURIComponent(j.id)}` }, t("desk.reception.see_job"))));
    form(sign, (key) => {
      // Walk-around photos are taken before the customer signs: the
      // signature waits for those still on their way.
      const n = photos.queue.pending();
      if (n > 0) throw new ApiError(409, { code: "photos_pending", detail: t("desk.photos.still_sending", { n }) });
      return command({ type: "submit", job_id: j.id }, key);
    }, () => {
      sign.replaceChildren(el("p", { class: "flag green", id: "submitted" }, t("desk.reception.submitted")));
      photos.close();
    });
    work.replaceChildren(done);
  }

  // walkAroundPhotos are the car's photos taken at reception: a slot per
  // position, each showing what it holds, and more damage photos with
  // the position chosen beside them. It answers {section, queue, close}:
  // close takes the cameras away once the customer has signed.
  function walkAroundPhotos(jobID) {
    const src = (p, thumb) => `/api/v1/jobs/${encodeURIComponent(jobID)}/photos/${encodeURIComponent(p.id)}${thumb ? "?thumb=1" : ""}`;
    const slots = new Map();
    const box = el("div", { class: "photo-slots", id: "walk-around-photos" });
    for (const position of POSITIONS) {
      const held = el("div", { class: "slot-photos" });
      const slot = el("div", { class: "photo-slot", "data-position": position },
        el("h3", {}, positionName(position)), held,
        photoPicker((files) => queue.add(files, { kind: "walk_around", position, label: positionName(position) }), { name: `walk-${position}`, label: t("desk.photos.take") }));
      slots.set(position, { slot, held, photos: [] });
      box.append(slot);
    }
    const morePosition = el("select", { name: "more_position", "aria-label": t("desk.photos.position") },
      POSITIONS.map((p) => el("option", { value: p }, positionName(p))));
    const moreCaption = el("input", { name: "more_caption", maxlength: 200, placeholder: t("desk.photos.damage_caption"), "aria-label": t("desk.photos.damage_caption") });
    const more = el("div", { class: "toolbar", id: "more-damage" },
      el("strong", {}, t("desk.photos.more_damage")), morePosition, moreCaption,
      photoPicker((files) => {
        queue.add(files, { kind: "walk_around", position: morePosition.value, caption: moreCaption.value.trim(), label: positionName(morePosition.value) });
        moreCaption.value = "";
      }, { name: "walk-more", label: t("desk.photos.take") }));
    const queue = photoQueue(jobID, {
      explain: (status, p) => new ApiError(status, p).message,
      onStored: (photo) => {
        const s = slots.get(photo.position);
        if (!s) return;
        s.photos.push(photo);
        s.slot.dataset.filled = "";
        s.held.replaceChildren(photoThumbs(s.photos, src, { label: (p) => p.caption || "" }));
      },
    });
    const hint = el("p", { class: "muted" }, t("desk.photos.walk_hint"));
    const section = el("section", { class: "card stack", id: "walk-around-section" },
      el("h2", {}, t("desk.photos.walk_around")), hint, queue.view, box, more);
    const close = () => {
      section.querySelectorAll(".photo-picker").forEach((p) => p.remove());
      more.remove();
      hint.remove();
    };
    return { section, queue, close };
  }

  if (params.get("appointment")) {
    const a = day.appointments.find((x) => x.id === params.get("appointment") && x.status === "booked");
    if (a) receive({ vehicle: { id: a.vehicle_id, plate: a.plate, model: a.model }, customer: { id: a.customer_id, name: a.customer, phone: a.phone, key_customer: a.key_customer }, appointment: a });
  } else if (params.get("q")) {
    finder.requestSubmit();
  }
});
