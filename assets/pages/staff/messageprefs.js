// The customer's wishes about the shop's messages, on the desk: the
// channel (SMS, e-mail or none), the e-mail address, the quiet hours in
// which nothing is sent (21:00–08:00 unless they say otherwise: a message
// due then waits for the morning), and an opt-out with how they said so.
// Saved by put_customer with the customer as the server has them, so the
// name, phone and key-customer flag are kept as they are.

import { api, command, el, t, form, notice } from "/assets/staff/app.js";

const channels = ["sms", "email", "none"];
const ways = ["phone", "in_person", "sms_reply", "email"];

// messagePrefs returns a closed panel for a customer's message wishes.
export function messagePrefs(customer) {
  const panel = el("details", { class: "card", id: "message-prefs" },
    el("summary", {}, t("desk.prefs.title"), " ", el("span", { class: "muted", id: "prefs-summary" }, summary(customer))));
  const opt = (value, label, selected) => {
    const o = el("option", { value }, label);
    o.selected = selected;
    return o;
  };
  const quiet = (name, value) => el("input", { type: "time", name, "data-field": `customer.${name}`, value: value || "" });
  const f = el("form", { novalidate: true, id: "prefs-form" },
    el("div", { class: "grid4" },
      el("label", {}, el("span", {}, t("desk.prefs.channel")),
        el("select", { name: "channel", "data-field": "customer.channel" }, channels.map((c) => opt(c, t(`desk.prefs.channel.${c}`), (customer.channel || "sms") === c)))),
      el("label", {}, el("span", {}, t("desk.prefs.email")), el("input", { type: "email", name: "email", "data-field": "customer.email", value: customer.email || "", placeholder: "name@example.cn" })),
      el("label", {}, el("span", {}, t("desk.prefs.quiet_from")), quiet("quiet_from", customer.quiet_from || "21:00")),
      el("label", {}, el("span", {}, t("desk.prefs.quiet_to")), quiet("quiet_to", customer.quiet_to || "08:00")),
      el("label", { class: "check" }, el("input", { type: "checkbox", name: "opted_out", checked: !!customer.opted_out }), el("span", {}, t("desk.prefs.opted_out"))),
      el("label", {}, el("span", {}, t("desk.prefs.way")),
        el("select", { name: "way", "data-field": "customer.opted_out.way" }, ways.map((w) => opt(w, t(`desk.prefs.way.${w}`), customer.opted_out?.way === w)))),
      el("div", {}, el("button", { type: "submit", class: "primary" }, t("desk.prefs.save")))),
    el("p", { class: "hint" }, t("desk.prefs.hint")));
  panel.append(f);
  form(f, async (key) => {
    // The customer as stored now, so a change made elsewhere is kept.
    const now = await stored(customer);
    const next = { id: now.id, name: now.name, phone: now.phone, key_customer: now.key_customer, channel: f.channel.value, email: f.email.value.trim() };
    // The defaults are sent as none, so a shop's later default applies.
    if (!(f.quiet_from.value === "21:00" && f.quiet_to.value === "08:00")) {
      next.quiet_from = f.quiet_from.value;
      next.quiet_to = f.quiet_to.value;
    }
    if (f.opted_out.checked) next.opted_out = { way: f.way.value };
    await command({ type: "put_customer", customer: next }, key);
    return next;
  }, (saved) => {
    Object.assign(customer, saved);
    for (const k of ["quiet_from", "quiet_to", "opted_out"]) if (!(k in saved)) delete customer[k];
    panel.querySelector("#prefs-summary").textContent = summary(customer);
    notice(t("desk.prefs.saved"), "ok");
  });
  // A customer from a booking comes without their wishes: they are read
  // as stored.
  stored(customer).then((now) => {
    Object.assign(customer, now);
    fill(f, customer);
    panel.querySelector("#prefs-summary").textContent = summary(customer);
  }, () => {});
  return panel;
}

async function stored(customer) {
  const found = await api("GET", "/api/v1/customers?q=" + encodeURIComponent(customer.phone));
  return found.find((c) => c.id === customer.id) || customer;
}

function fill(f, c) {
  f.channel.value = c.channel || "sms";
  f.email.value = c.email || "";
  f.quiet_from.value = c.quiet_from || "21:00";
  f.quiet_to.value = c.quiet_to || "08:00";
  f.opted_out.checked = !!c.opted_out;
  if (c.opted_out) f.way.value = c.opted_out.way;
}

function summary(c) {
  if (c.opted_out) return t("desk.prefs.summary_opted_out");
  return t(`desk.prefs.channel.${c.channel || "sms"}`) + " · " + t("desk.prefs.summary_quiet", { from: c.quiet_from || "21:00", to: c.quiet_to || "08:00" });
}
