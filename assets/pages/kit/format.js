// Money, and dates and times in the shop's time zone, for every page.
// A page shows the shop's times whatever the zone of the PC, phone or TV
// it runs on: a promised time of 17:00 in Beijing reads 17:00 on a
// laptop set to another zone. The zone comes from the server: the kiosk's
// and customer's pages name it on the page (data-tz), the staff's pages
// from the shop's settings, the boards from their feed.

import { lang } from "../i18n.js";

let shopZone = validZone(document.documentElement.dataset.tz);

// setZone sets the shop's time zone (an IANA name); an empty or unknown
// one leaves the browser's.
export function setZone(tz) {
  shopZone = validZone(tz);
}

// zone is the shop's time zone, undefined while the page does not know it.
export function zone() {
  return shopZone;
}

function validZone(tz) {
  if (!tz) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch (err) {
    return undefined;
  }
}

const formats = new Map();

// formatter is an Intl.DateTimeFormat in the page's language (or locale)
// and the shop's zone, made once for each set of options.
export function formatter(options, locale = lang()) {
  const key = JSON.stringify(options) + locale + shopZone;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, Object.assign({ timeZone: shopZone }, options));
    formats.set(key, f);
  }
  return f;
}

const clock = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

// time writes a moment as 10:45.
export function time(d) {
  return formatter(clock).format(d);
}

// day writes a moment's date; two moments of the same day write the same.
export function day(d) {
  return formatter({ year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}

// when writes a time the server sent: 10:45 when it is today (now's
// day), else the date and time; "" for none.
export function when(iso, now = new Date()) {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d) || d.getFullYear() < 2000) return "";
  if (day(d) === day(now)) return time(d);
  return formatter(Object.assign({ month: "numeric", day: "numeric" }, clock)).format(d);
}

// isoDate writes a day as YYYY-MM-DD in the shop's zone (reports count
// days in the shop's time, not the browser's), or in timeZone when given.
export function isoDate(d, timeZone) {
  const tz = validZone(timeZone) || shopZone;
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}

// daysAgo is the date n days before today.
export function daysAgo(n, timeZone) {
  return isoDate(new Date(Date.now() - n * 864e5), timeZone);
}

// wallTime is what a clock in the shop shows at a moment, as a
// datetime-local field holds it: 2026-12-05T17:00.
export function wallTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d)) return "";
  const p = wallParts(d.getTime());
  const pad = (n) => String(n).padStart(2, "0");
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

// fromWallTime is the moment (ISO) at which a clock in the shop shows a
// datetime-local field's value; undefined for an empty or bad one.
export function fromWallTime(local) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || "");
  if (!m) return undefined;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // The zone's offset at the guess, then at the answer, for a time next
  // to a change of offset.
  let at = wall - offsetAt(wall);
  at = wall - offsetAt(at);
  return new Date(at).toISOString();
}

// offsetAt is how far the shop's clocks are ahead of UTC at a moment.
function offsetAt(ms) {
  const p = wallParts(ms);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(ms / 60000) * 60000;
}

function wallParts(ms) {
  const f = formatter({ year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" }, "en-US");
  const p = {};
  for (const part of f.formatToParts(ms)) p[part.type] = Number(part.value);
  return p;
}

// money writes an amount in the currency's minor unit (fen) in the page's
// language: ¥1,280.00.
export function money(minor, currency) {
  return new Intl.NumberFormat(lang(), { style: "currency", currency: currency || "CNY", currencyDisplay: "narrowSymbol" }).format((minor || 0) / 100);
}
