// The shop's opening hours as the settings page edits them (shop.Hours):
// a row per weekday, Monday first, open or closed, with its opening and
// closing times and its lunch break (empty: the shop works through), and
// the dates the shop is closed whatever the weekday (public holidays,
// 春节). Each input carries the field the server names in a refusal, so
// the error shows next to it.

import { el, lang, t } from "./app.js";

const field = "settings.hours";

// weekdayNames are Monday to Sunday in the page's language (星期一, Monday).
function weekdayNames() {
  const f = new Intl.DateTimeFormat(lang(), { weekday: "long", timeZone: "UTC" });
  // 5 January 2026 was a Monday.
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2026, 0, 5 + i))));
}

function timeInput(name, value, dataField, placeholder, label) {
  const i = el("input", { name, class: "time-input", maxlength: 5, inputmode: "numeric", placeholder, "data-field": dataField, "aria-label": label });
  i.value = value ?? "";
  return i;
}

// dayRow is one weekday: its inputs and how to read them back.
function dayRow(i, name, day) {
  const at = `${field}.week[${i}]`;
  const open = el("input", { type: "checkbox", name: `day${i}_open`, "data-field": at });
  open.checked = !day.closed;
  const opens = timeInput(`day${i}_opens`, day.opens, `${at}.opens`, "08:00", `${name} ${t("admin.settings.opens")}`);
  const closes = timeInput(`day${i}_closes`, day.closes, `${at}.closes`, "18:00", `${name} ${t("admin.settings.closes")}`);
  const lunchFrom = timeInput(`day${i}_lunch_from`, day.lunch_from, `${at}.lunch_from`, "12:00", `${name} ${t("admin.settings.lunch_from")}`);
  const lunchTo = timeInput(`day${i}_lunch_to`, day.lunch_to, `${at}.lunch_to`, "13:30", `${name} ${t("admin.settings.lunch_to")}`);
  const row = el(
    "tr",
    { class: day.closed ? "day closed" : "day" },
    el("th", { scope: "row" }, name),
    el("td", {}, el("label", { class: "check" }, open, el("span", {}, t("admin.settings.open")))),
    el("td", {}, el("label", {}, opens)),
    el("td", {}, el("label", {}, closes)),
    el("td", {}, el("label", {}, lunchFrom)),
    el("td", {}, el("label", {}, lunchTo)),
  );
  open.addEventListener("change", () => row.classList.toggle("closed", !open.checked));
  const read = () => {
    const d = { opens: opens.value.trim(), closes: closes.value.trim() };
    if (!open.checked) d.closed = true;
    if (lunchFrom.value.trim()) d.lunch_from = lunchFrom.value.trim();
    if (lunchTo.value.trim()) d.lunch_to = lunchTo.value.trim();
    return d;
  };
  const inputs = { open, opens, closes, lunchFrom, lunchTo };
  // copy takes another day's hours (Monday's, for the other weekdays).
  const copy = (from) => {
    open.checked = from.inputs.open.checked;
    row.classList.toggle("closed", !open.checked);
    for (const k of ["opens", "closes", "lunchFrom", "lunchTo"]) inputs[k].value = from.inputs[k].value;
  };
  return { row, read, copy, inputs };
}

// closedRow is one closed day: a date and what it is for.
function closedRow(c, onRemove) {
  const date = el("input", { type: "date", name: "closed_date", required: true, "aria-label": t("admin.settings.closed_date") });
  date.value = c.date || "";
  const name = el("input", { name: "closed_name", maxlength: 40, placeholder: t("admin.settings.closed_name_example"), "aria-label": t("admin.settings.closed_name") });
  name.value = c.name || "";
  const row = el(
    "tr",
    { class: "closed-day" },
    el("td", {}, el("label", {}, date)),
    el("td", {}, el("label", {}, name)),
    el("td", { class: "actions" }, el("button", { type: "button", onclick: () => onRemove(row) }, t("admin.remove"))),
  );
  return { row, date, name };
}

// hoursEditor draws the hours and returns the section and read(), which
// gives the hours to send (and numbers the closed days' fields as sent).
export function hoursEditor(hours) {
  hours = hours || {};
  const names = weekdayNames();
  const week = Array.from({ length: 7 }, (_, i) => (hours.week && hours.week[i]) || { opens: "08:00", closes: "18:00" });
  const days = week.map((d, i) => dayRow(i, names[i], d));
  const copyMonday = el(
    "button",
    { type: "button", class: "link", id: "copy-monday", onclick: () => days.slice(1, 5).forEach((d) => d.copy(days[0])) },
    t("admin.settings.copy_monday"),
  );
  const weekTable = el(
    "table",
    { class: "table hours", id: "week", "data-field": `${field}.week` },
    el("thead", {}, el("tr", {},
      el("th", {}, t("admin.settings.day")),
      el("th", {}, t("admin.settings.open")),
      el("th", {}, t("admin.settings.opens")),
      el("th", {}, t("admin.settings.closes")),
      el("th", {}, t("admin.settings.lunch_from")),
      el("th", {}, t("admin.settings.lunch_to")))),
    el("tbody", {}, days.map((d) => d.row)),
  );

  let closed = [];
  const closedBody = el("tbody", {});
  const none = el("p", { class: "muted", id: "no-closed-days" }, t("admin.settings.no_closed_days"));
  const refresh = () => (none.hidden = closed.length > 0);
  const remove = (row) => {
    closed = closed.filter((c) => c.row !== row);
    row.remove();
    refresh();
  };
  const add = (c) => {
    const r = closedRow(c, remove);
    closed.push(r);
    closedBody.append(r.row);
    refresh();
    return r;
  };
  for (const c of hours.closed_days || []) add(c);
  refresh();
  const addButton = el("button", { type: "button", id: "add-closed-day", onclick: () => add({}).date.focus() }, t("admin.settings.add_closed_day"));

  const section = el(
    "fieldset",
    { class: "hours-editor", id: "hours" },
    el("legend", {}, t("admin.settings.hours")),
    el("div", { class: "hours-grid" },
      el("div", {}, weekTable, el("p", { class: "hint" }, t("admin.settings.hours_hint"), " ", copyMonday)),
      el("div", { "data-field": `${field}.closed_days` },
        el("h3", {}, t("admin.settings.closed_days")),
        el("table", { class: "table", id: "closed-days" },
          el("thead", {}, el("tr", {}, el("th", {}, t("admin.settings.closed_date")), el("th", {}, t("admin.settings.closed_name")), el("th", {}))),
          closedBody),
        none,
        addButton,
      ),
    ),
  );

  const read = () => ({
    week: days.map((d) => d.read()),
    closed_days: closed.map((c, i) => {
      c.date.dataset.field = `${field}.closed_days[${i}].date`;
      c.name.dataset.field = `${field}.closed_days[${i}].name`;
      const out = { date: c.date.value };
      if (c.name.value.trim()) out.name = c.name.value.trim();
      return out;
    }),
  });
  return { section, read };
}
