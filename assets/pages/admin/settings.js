// The shop's settings: who the shop is (name, address, phone, the text of
// its seal), its opening hours (the week, lunch breaks and closed days, in
// staff/hours.js), money, language and time zone, the base URL its
// QR codes lead to, the minutes QC and the wash add to an ETA, the seat
// label stock, how long a customer's link lasts and the lounge TVs' line;
// the labour rate by which the advisor prices a finding's hours; and the
// discount limits: how much the advisor and the cashier may take off a
// job, in percent of what the customer pays (the manager's own discounts
// are not limited); how long photos are kept after a job closes, and
// whether the settlement prints the findings' photos.
// Printers are part of the settings too, on their own page.

import { t, el, form, command, notice, api, loopbackWarning } from "../staff/app.js";
import { setZone } from "../kit/format.js";
import { startAdmin, field, input, select, check, setupWarnings } from "../staff/kit.js";
import { hoursEditor } from "../staff/hours.js";

startAdmin(async (main, ctx) => {
  let settings = ctx.settings;
  const s = settings;
  const hours = hoursEditor(s.hours);
  const f = el(
    "form",
    { novalidate: true, class: "card settings", id: "settings" },
    el("div", { class: "grid3" },
      field(t("admin.settings.name"), input("name", s.name, { required: true, maxlength: 60 })),
      field(t("admin.settings.phone"), input("phone", s.phone, { type: "tel" })),
      field(t("admin.settings.seal_text"), input("seal_text", s.seal_text, { maxlength: 40 })),
    ),
    field(t("admin.settings.address"), input("address", s.address, { maxlength: 200 })),
    hours.section,
    el("div", { class: "grid3" },
      field(t("admin.settings.currency"), input("currency", s.currency, { placeholder: "CNY", maxlength: 8 })),
      field(t("admin.settings.language"), select("language", [["zh-CN", "中文 (zh-CN)"], ["en", "English (en)"]], s.language)),
      field(t("admin.settings.time_zone"), input("time_zone", s.time_zone, { placeholder: "Asia/Shanghai" })),
    ),
    el("div", { class: "grid3" },
      field(t("admin.settings.base_url"), input("base_url", s.base_url, { type: "url", placeholder: t("admin.settings.base_url_placeholder") })),
      el("div", { class: "pair" },
        field(t("admin.settings.qc_minutes"), input("qc_minutes", s.qc_minutes, { type: "number", min: 0, max: 600 })),
        field(t("admin.settings.wash_minutes"), input("wash_minutes", s.wash_minutes, { type: "number", min: 0, max: 600 })),
      ),
      el("div", { class: "pair" },
        field(t("admin.settings.label_width_mm"), input("label_width_mm", s.label_width_mm, { type: "number", min: 30, max: 150 })),
        field(t("admin.settings.label_height_mm"), input("label_height_mm", s.label_height_mm, { type: "number", min: 20, max: 150 })),
      ),
    ),
    el("div", { class: "grid3" },
      field(t("admin.settings.customer_link_days"), input("customer_link_days", s.customer_link_days, { type: "number", min: 1, max: 365 })),
      field(t("admin.settings.kiosk_idle_minutes"), input("kiosk_idle_minutes", s.kiosk_idle_minutes || "", { type: "number", min: 2, max: 720, placeholder: "30" })),
      field(t("admin.settings.lounge_message"), input("lounge_message", s.lounge_message, { maxlength: 120 })),
    ),
    el("div", { class: "grid3" },
      field(t("admin.settings.pin_min_digits"), input("pin_min_digits", s.pin_min_digits || "", { type: "number", min: 4, max: 8, placeholder: "4" })),
      field(t("admin.settings.cover_set"), select("cover_set", [["three", t("admin.settings.cover_set_three")], ["five", t("admin.settings.cover_set_five")]], s.cover_set || "three")),
    ),
    // The labour rate is typed in yuan an hour and kept in fen.
    el("div", { class: "grid3", id: "labour-rate" },
      field(t("admin.settings.labour_rate"), input("labour_rate", s.labour_rate ? (s.labour_rate / 100).toFixed(2) : "", { type: "number", min: 0, step: "0.01", inputmode: "decimal", placeholder: t("admin.settings.labour_rate_placeholder") })),
      el("p", { class: "hint" }, t("admin.settings.labour_rate_hint")),
    ),
    el("p", { class: "hint" }, t("admin.settings.base_url_hint")),
    el("fieldset", { id: "discount-limits" },
      el("legend", {}, t("admin.settings.discount_limits")),
      el("div", { class: "grid3" },
        [["advisor", t("admin.settings.discount_limit_advisor")], ["cashier", t("admin.settings.discount_limit_cashier")]].map(([role, label]) => field(label,
          input(`discount_limit_${role}`, (s.discount_limits || {})[role] ?? "", { type: "number", min: 0, max: 100, placeholder: "0", "data-field": `settings.discount_limits.${role}` })))),
      el("p", { class: "hint" }, t("admin.settings.discount_limits_hint"))),
    // Photos: how long after a job closes its photos are kept (empty: for
    // good; 30 days at least, as a closed job stays live a week), and
    // whether the settlement prints the findings' photos.
    el("fieldset", { id: "photo-settings" },
      el("legend", {}, t("admin.settings.photos")),
      el("div", { class: "grid3" },
        field(t("admin.settings.photo_keep_days"), input("photo_keep_days", s.photo_keep_days || "", { type: "number", min: 30, max: 3650, placeholder: t("admin.settings.photo_keep_days_placeholder"), "data-field": "settings.photo_keep_days" })),
        check("settlement_photos", t("admin.settings.settlement_photos"), s.settlement_photos),
      ),
      el("p", { class: "hint" }, t("admin.settings.photo_keep_days_hint"))),
    el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary" }, t("admin.save"))),
  );
  const phone = el("section", { class: "card phone-check", id: "phone-check" });
  // The base URL is part of the printers' setup step: the QR codes they
  // print lead there.
  const warnings = setupWarnings("printers", ["no_base_url"]);
  main.append(el("h1", {}, t("admin.settings.title")), warnings, f, phone);
  let drawn = 0;
  // drawPhoneCheck shows the address a phone opens from the QR codes, as
  // a code to scan with one of the shop's phones.
  const drawPhoneCheck = (base) => {
    drawn++;
    phone.replaceChildren(
      el("h2", {}, t("admin.settings.phone_check")),
      el("img", { src: `/api/v1/settings/phone-check.png?v=${drawn}`, alt: base.phone_check, width: 192, height: 192, id: "phone-check-code" }),
      el("div", {},
        el("p", {}, t("admin.settings.phone_check_url"), " ", el("code", { id: "phone-check-url" }, base.phone_check)),
        el("p", { class: "hint" }, base.configured ? t("admin.settings.phone_check_configured") : t("admin.settings.phone_check_derived")),
        el("p", { class: base.loopback ? "error" : "hint" }, base.loopback ? t("admin.settings.phone_check_loopback") : t("admin.settings.phone_check_hint")),
      ),
    );
  };
  drawPhoneCheck(ctx.baseURL);

  const num = (name) => Number(f.elements[name].value || 0);
  // A limit left empty is none: that role gives no discount.
  const limits = () => {
    const out = {};
    for (const role of ["advisor", "cashier"]) {
      const v = f.elements[`discount_limit_${role}`].value;
      if (v !== "") out[role] = Number(v);
    }
    return out;
  };
  form(
    f,
    (key) => {
      const e = f.elements;
      const next = {
        ...settings,
        name: e.name.value.trim(),
        address: e.address.value.trim(),
        phone: e.phone.value.trim(),
        seal_text: e.seal_text.value.trim(),
        hours: hours.read(),
        currency: e.currency.value.trim().toUpperCase(),
        language: e.language.value,
        time_zone: e.time_zone.value.trim(),
        base_url: e.base_url.value.trim(),
        qc_minutes: num("qc_minutes"),
        wash_minutes: num("wash_minutes"),
        label_width_mm: num("label_width_mm"),
        label_height_mm: num("label_height_mm"),
        customer_link_days: num("customer_link_days"),
        kiosk_idle_minutes: num("kiosk_idle_minutes"),
        pin_min_digits: num("pin_min_digits"),
        lounge_message: e.lounge_message.value.trim(),
        labour_rate: Math.round(Number(e.labour_rate.value || 0) * 100),
        discount_limits: limits(),
        cover_set: e.cover_set.value,
        photo_keep_days: num("photo_keep_days"),
        settlement_photos: e.settlement_photos.checked,
      };
      return command({ type: "set_settings", settings: next }, key);
    },
    async () => {
      settings = await api("GET", "/api/v1/settings");
      // A new time zone shows at once, as it does on the boards.
      setZone(settings.time_zone);
      f.elements.base_url.value = settings.base_url;
      const me = await api("GET", "/api/v1/me");
      drawPhoneCheck(me.base_url);
      loopbackWarning(me.user, me.base_url);
      await warnings.refresh();
      notice(t("admin.saved"), "ok");
    },
  );
  // The form takes its submit before the setup list is awaited: a save
  // pressed while it loads must not reload the page.
  await warnings.refresh();
});
