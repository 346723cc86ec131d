// A job's revisions on the desk's job page (修订记录): the signed estimate and every
// change the customer agreed to after it, each with its number, who, when,
// why and how the customer agreed, and its own estimate PDF; and what the
// advisor changes from here: the estimate (after signing, with the
// customer's consent), a new promised time, a cancellation with its
// reason, a delivered car reopened as a comeback (返修). What a person may
// do is the server's answer (the job's may); the page only offers it.

import { command, el, t, money, form } from "/assets/staff/app.js";
import { dateTime, localValue, isoOf, fen, yuan } from "/assets/staff/advisor.js";

const kinds = {
  signed: { key: "desk.revisions.kind_signed" },
  finding: { key: "desk.revisions.kind_finding" },
  correction: { key: "desk.revisions.kind_correction" },
  promised_time: { key: "desk.revisions.kind_promised_time" },
  scope: { key: "desk.revisions.kind_scope" },
};

const vias = {
  signature: { key: "desk.revisions.via_signature" },
  customer_page: { key: "desk.revisions.via_customer_page" },
  phone: { key: "desk.revisions.via_phone" },
  in_person: { key: "desk.revisions.via_in_person" },
};

const open = (stage) => stage !== "delivered" && stage !== "cancelled";

// revisionsPanel is the job detail's part for revisions. onDone runs
// after a change, with the command's answer (a comeback opens its job).
export function revisionsPanel(d, who, currency, onDone) {
  const j = d.job;
  const revisions = j.revisions || [];
  const out = [el("h2", {}, t("desk.revisions.title"))];
  if (!revisions.length) {
    out.push(el("p", { class: "muted", id: "no-revisions" }, t("desk.revisions.none")));
  } else {
    const pdf = (n) => `/api/v1/jobs/${encodeURIComponent(j.id)}/documents/estimate.pdf?revision=${n}`;
    out.push(el("table", { class: "table compact", id: "revisions" },
      el("thead", {}, el("tr", {},
        el("th", {}, "#"), el("th", {}, t("desk.revisions.what")), el("th", {}, t("desk.revisions.agreed")),
        el("th", { class: "num" }, t("desk.total")), el("th", { class: "num" }, t("desk.col.promised")), el("th", {}, ""))),
      el("tbody", {}, revisions.map((r) => el("tr", { "data-revision": r.number },
        el("td", {}, r.number),
        el("td", {}, kinds[r.kind] ? t(kinds[r.kind].key) : r.kind,
          r.reason ? el("div", { class: "muted" }, r.reason) : null,
          r.lines_unknown ? el("div", { class: "muted" }, t("desk.revisions.lines_unknown")) : null),
        el("td", {}, dateTime(r.at), el("div", { class: "muted" },
          [vias[r.consent?.via] ? t(vias[r.consent.via].key) : r.consent?.via, r.consent?.who || d.customer,
            t("desk.revisions.by", { name: who.get(r.by)?.name || (r.by === "customer" ? t("desk.jobs.by_customer") : r.by) })].filter(Boolean).join(" · "))),
        el("td", { class: "num" }, money(r.totals.total, currency)),
        el("td", { class: "num" }, dateTime(r.promised_at)),
        el("td", {}, el("a", { href: pdf(r.number), target: "_blank", rel: "noopener", class: "pdf", "data-revision-pdf": r.number }, t("desk.print.pdf"))))))));
  }

  const actions = el("div", { class: "toolbar", id: "job-actions" });
  const place = el("div", { id: "job-action" });
  const offer = (id, label, build) => {
    actions.append(el("button", { type: "button", class: "small", id, onclick: () => place.replaceChildren(build()) }, label));
  };
  if (open(j.stage)) offer("edit-estimate", t("desk.revisions.edit"), () => estimateForm(j, currency, onDone));
  if (d.may.includes("agree_promise")) offer("agree-promise", t("desk.revisions.agree"), () => promiseForm(j, onDone));
  if (d.may.includes("cancel")) offer("cancel-job", t("desk.revisions.cancel"), () => cancelForm(j, onDone));
  if (d.may.includes("reopen_comeback")) offer("reopen-comeback", t("desk.revisions.comeback"), () => comebackForm(j, onDone));
  if (j.comeback_of) out.push(el("p", { class: "flag yellow", id: "comeback-of" }, t("desk.revisions.comeback_of", { id: j.comeback_of })));
  if (actions.childElementCount) out.push(actions, place);
  return out;
}

// consentInputs ask how the customer agreed: by phone or in person, and
// who, when not the customer on record; consentOf reads them back.
export function consentInputs() {
  return [
    el("label", {}, el("span", {}, t("desk.revisions.via")), el("select", { name: "via", "data-field": "consent.via" },
      el("option", { value: "phone" }, t("desk.revisions.via_phone")), el("option", { value: "in_person" }, t("desk.revisions.via_in_person")))),
    el("label", {}, el("span", {}, t("desk.revisions.who")), el("input", { name: "who", "data-field": "consent.who", autocomplete: "off" })),
  ];
}

export const consentOf = (f) => ({ via: f.via.value, who: f.who.value.trim() });

// consentFields are a change's reason and the customer's consent to it.
function consentFields() {
  return [
    el("label", {}, el("span", {}, t("desk.revisions.reason")), el("textarea", { name: "reason", rows: 2, required: true })),
    el("div", { class: "grid4" }, ...consentInputs()),
  ];
}

const submitRow = (id, label) => el("div", { class: "toolbar" }, el("span", { class: "grow" }), el("button", { type: "submit", class: "primary", id }, label));

// estimateForm edits the lines and the promised time; once signed, the
// change carries its reason and the customer's consent.
function estimateForm(j, currency, onDone) {
  const signed = (j.revisions || []).length > 0;
  const labour = el("tbody");
  const parts = el("tbody");
  const cell = (name, value, attrs = {}) => el("td", {}, el("input", { name, value: value ?? "", ...attrs }));
  const remove = () => el("td", {}, el("button", { type: "button", class: "small", onclick: (ev) => ev.target.closest("tr").remove() }, "×"));
  const labourRow = (l = {}) => labour.append(el("tr", { class: "labour-line", "data-code": l.code || "" },
    cell("name", l.name, { "aria-label": t("desk.revisions.line_name") }),
    cell("sold_hours", l.sold_hours ?? 1, { inputmode: "decimal", class: "num", "aria-label": t("desk.col.hours") }),
    cell("price", l.price === undefined ? "" : yuan(l.price), { inputmode: "decimal", class: "num", "aria-label": t("desk.revisions.price") }),
    remove()));
  const partRow = (p = {}) => parts.append(el("tr", { class: "part-line" },
    cell("number", p.number, { "aria-label": t("desk.revisions.part_number") }),
    cell("name", p.name, { "aria-label": t("desk.revisions.line_name") }),
    cell("quantity", p.quantity ?? 1, { inputmode: "decimal", class: "num", "aria-label": t("desk.revisions.quantity") }),
    cell("unit_price", p.unit_price === undefined ? "" : yuan(p.unit_price), { inputmode: "decimal", class: "num", "aria-label": t("desk.revisions.price") }),
    remove()));
  j.labour.forEach(labourRow);
  j.parts.forEach(partRow);
  const f = el("form", { id: "estimate-form", novalidate: true, class: "card" },
    el("h3", {}, t("desk.revisions.edit")),
    el("p", { class: "hint" }, signed ? t("desk.revisions.edit_signed_hint") : t("desk.revisions.edit_hint")),
    el("table", { class: "table compact", "data-field": "labour" }, el("caption", {}, t("desk.revisions.labour")), labour),
    el("button", { type: "button", class: "small", id: "add-labour", onclick: () => labourRow() }, t("desk.revisions.add_labour")),
    el("table", { class: "table compact", "data-field": "parts" }, el("caption", {}, t("desk.revisions.parts")), parts),
    el("button", { type: "button", class: "small", id: "add-part", onclick: () => partRow() }, t("desk.revisions.add_part")),
    el("label", {}, el("span", {}, t("desk.col.promised")), el("input", { type: "datetime-local", name: "promised_at", value: localValue(j.promised_at) })),
    ...(signed ? consentFields() : []),
    submitRow("save-estimate", t("desk.revisions.save")));
  form(f, (key) => {
    const num = (v) => parseFloat(String(v).replace(/,/g, "")) || 0;
    const body = {
      type: "update_estimate", job_id: j.id, requests: j.requests, wash: j.wash, keep_old_parts: j.keep_old_parts, walk_around: j.walk_around,
      promised_at: isoOf(f.promised_at.value) || null,
      labour: [...labour.rows].map((r) => ({ code: r.dataset.code || undefined, name: r.querySelector("[name=name]").value.trim(),
        sold_hours: num(r.querySelector("[name=sold_hours]").value), price: fen(r.querySelector("[name=price]").value) })),
      parts: [...parts.rows].map((r) => ({ number: r.querySelector("[name=number]").value.trim() || undefined, name: r.querySelector("[name=name]").value.trim(),
        quantity: num(r.querySelector("[name=quantity]").value), unit_price: fen(r.querySelector("[name=unit_price]").value) })),
    };
    if (j.follow_up_at) body.follow_up_at = j.follow_up_at;
    if (!body.promised_at) delete body.promised_at;
    if (signed) {
      body.reason = f.reason.value.trim();
      body.consent = consentOf(f);
    }
    return command(body, key);
  }, onDone);
  return f;
}

function promiseForm(j, onDone) {
  const f = el("form", { id: "promise-form", novalidate: true, class: "card" },
    el("h3", {}, t("desk.revisions.agree")),
    el("label", {}, el("span", {}, t("desk.revisions.new_time")), el("input", { type: "datetime-local", name: "promised_at", value: localValue(j.promised_at), required: true })),
    ...consentFields(),
    submitRow("save-promise", t("desk.revisions.agree")));
  form(f, (key) => command({ type: "agree_promise", job_id: j.id, promised_at: isoOf(f.promised_at.value) || null, reason: f.reason.value.trim(), consent: consentOf(f) }, key), onDone);
  return f;
}

function cancelForm(j, onDone) {
  const f = el("form", { id: "cancel-form", novalidate: true, class: "card" },
    el("h3", {}, t("desk.revisions.cancel")),
    el("p", { class: "hint" }, t("desk.revisions.cancel_hint")),
    el("label", {}, el("span", {}, t("desk.revisions.cancel_reason")), el("textarea", { name: "reason", rows: 2, required: true })),
    submitRow("confirm-cancel", t("desk.revisions.cancel")));
  form(f, (key) => command({ type: "cancel", job_id: j.id, reason: f.reason.value.trim() }, key), onDone);
  return f;
}

function comebackForm(j, onDone) {
  const tomorrow = new Date(Date.now() + 24 * 3600e3).toISOString();
  const f = el("form", { id: "comeback-form", novalidate: true, class: "card" },
    el("h3", {}, t("desk.revisions.comeback")),
    el("p", { class: "hint" }, t("desk.revisions.comeback_hint")),
    el("label", {}, el("span", {}, t("desk.revisions.comeback_requests")), el("textarea", { name: "requests", rows: 2, required: true })),
    el("div", { class: "grid4" },
      el("label", {}, el("span", {}, t("desk.col.promised")), el("input", { type: "datetime-local", name: "promised_at", value: localValue(tomorrow), required: true })),
      el("label", {}, el("span", {}, t("desk.revisions.mileage")), el("input", { type: "number", name: "mileage_km", min: 0, value: j.walk_around?.mileage_km || "" }))),
    submitRow("confirm-comeback", t("desk.revisions.comeback")));
  form(f, (key) => command({ type: "reopen_comeback", job_id: j.id, requests: f.requests.value.trim(), promised_at: isoOf(f.promised_at.value) || null,
    mileage_km: parseInt(f.mileage_km.value, 10) || 0 }, key), onDone);
  return f;
}
