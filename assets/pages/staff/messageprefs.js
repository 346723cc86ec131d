// The customer's wishes about the shop's messages, on the desk: the
// channel (SMS, e-mail or none), the e-mail address, the quiet hours in
// which nothing is sent (21:00–08:00 unless they say otherwise: a message
// due then waits for the morning), and an opt-out with how they said so.
// Saved by put_customer with the customer as the server has them, so the
// name, phone and key-customer flag are kept as they are; the wishes are
// the customer's `messages`.

import { api, command, el, t, form, notice } from "/assets/staff/app.js";

const channels = ["sms", "email", "none"];
const ways = ["phone", "in_person", "sms_reply", "email"];

// messagePrefs returns a closed panel for a customer's message wishes.
export function messagePrefs(customer) {
  const panel = el("details", { class: "card", id: "message-prefs" },
    el("summary", {}, t("desk.prefs.title"), " ", el("span", { class: "muted", id: "prefs-summary" }, summary(customer))));
  const opt = (value, label) => el("option", { value }, label);
  const quiet = (name) => el("input", { type: "time", name, "data-field": `customer.messages.${name}` });
  const f = el("form", { novalidate: true, id: "prefs-form" },
    el("div", { class: "grid4" },
      el("label", {}, el("span", {}, t("desk.prefs.channel")),
        el("select", { name: "channel", "data-field": "customer.messages.channel" }, channels.map((c) => opt(c, t(`desk.prefs.channel.${c}`))))),
      el("label", {}, el("span", {}, t("desk.prefs.email")), el("input", { type: "email", name: "email", "data-field": "customer.messages.email", placeholder: "name@example.cn" })),
      el("label", {}, el("span", {}, t("desk.prefs.quiet_from")), quiet("quiet_from")),
      el("label", {}, el("span", {}, t("desk.prefs.quiet_to")), quiet("quiet_to")),
      el("label", { class: "check" }, el("input", { type: "checkbox", name: "opted_out" }), el("span", {}, t("desk.prefs.opted_out"))),
      el("label", {}, el("span", {}, t("desk.prefs.way")),
        el("select", { name: "way", "data-field": "customer.messages.opted_out.way" }, ways.map((w) => opt(w, t(`desk.prefs.way.${w}`))))),
      el("div", {}, el("button", { type: "submit", class: "primary" }, t("desk.prefs.save")))),
    el("p", { class: "hint" }, t("desk.prefs.hint")));
  panel.append(f);
  fill(f, customer);
  form(f, async (key) => {
    // The customer as stored now, so a change made elsewhere is kept.
    const now = await stored(customer);
    const messages = { channel: f.channel.value, email: f.email.value.trim() };
    // The defaults are sent as none, so a shop's later default applies.
    if (!(f.quiet_from.value === "21:00" && f.quiet_to.value === "08:00")) {
      messages.quiet_from = f.quiet_from.value;
      messages.quiet_to = f.quiet_to.value;
    }
    if (f.opted_out.checked) messages.opted_out = { way: f.way.value };
    const next = { id: now.id, name: now.name, phone: now.phone, key_customer: now.key_customer, messages };
    await command({ type: "put_customer", customer: next }, key);
    return next;
  }, (saved) => {
    customer.messages = saved.messages;
    panel.querySelector("#prefs-summary").textContent = summary(customer);
    notice(t("desk.prefs.saved"), "ok");
  });
  // A customer from a booking comes without their wishes: they are read
  // as stored, and the form is open to changes once they are in, so what
  // the advisor types is never overwritten by the answer.
  const fields = f.querySelectorAll("input, select, button");
  fields.forEach((n) => (n.disabled = true));
  stored(customer).then((now) => {
    customer.messages = now.messages;
    fill(f, customer);
    panel.querySelector("#prefs-summary").textContent = summary(customer);
  }, () => {}).finally(() => {
    fields.forEach((n) => (n.disabled = false));
    f.dataset.loaded = "true";
  });
  return panel;
}

async function stored(customer) {
  const found = await api("GET", "/api/v1/customers?q=" + encodeURIComponent(customer.phone));
  return found.find((c) => c.id === customer.id) || customer;
}

function fill(f, customer) {
  const c = customer.messages || {};
  f.channel.value = c.channel || "sms";
  f.email.value = c.email || "";
  f.quiet_from.value = c.quiet_from || "21:00";
  f.quiet_to.value = c.quiet_to || "08:00";
  f.opted_out.checked = !!c.opted_out;
  if (c.opted_out) f.way.value = c.opted_out.way;
}

function summary(customer) {
  const c = customer.messages || {};
  if (c.opted_out) return t("desk.prefs.summary_opted_out");
  return t(`desk.prefs.channel.${c.channel || "sms"}`) + " · " + t("desk.prefs.summary_quiet", { from: c.quiet_from || "21:00", to: c.quiet_to || "08:00" });
}
