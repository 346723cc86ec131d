// The shop's settings: who the shop is (name, address, phone, the text of
// its seal), its hours, money, language and time zone, the base URL its
// QR codes lead to, the minutes QC and the wash add to an ETA, the seat
// label stock, how long a customer's link lasts and the lounge TVs' line.
// Printers are part of the settings too, on their own page.

import { t, el, form, command, notice, api } from "../staff/app.js";
import { startAdmin, field, input, select, setupWarnings } from "../staff/kit.js";

startAdmin(async (main, ctx) => {
  let settings = ctx.settings;
  const s = settings;
  const f = el(
    "form",
    { novalidate: true, class: "card settings", id: "settings" },
    el("div", { class: "grid3" },
      field(t("admin.settings.name"), input("name", s.name, { required: true, maxlength: 60 })),
      field(t("admin.settings.phone"), input("phone", s.phone, { type: "tel" })),
      field(t("admin.settings.seal_text"), input("seal_text", s.seal_text, { maxlength: 40 })),
    ),
    field(t("admin.settings.address"), input("address", s.address, { maxlength: 200 })),
    el("div", { class: "grid3" },
      el("div", { class: "pair" },
        field(t("admin.settings.opens_at"), input("opens_at", s.opens_at, { placeholder: "08:00", maxlength: 5 })),
        field(t("admin.settings.closes_at"), input("closes_at", s.closes_at, { placeholder: "18:00", maxlength: 5 })),
      ),
      el("div", { class: "pair" },
        field(t("admin.settings.currency"), input("currency", s.currency, { placeholder: "CNY", maxlength: 8 })),
        field(t("admin.settings.language"), select("language", [["zh-CN", "中文 (zh-CN)"], ["en", "English (en)"]], s.language)),
      ),
      field(t("admin.settings.time_zone"), input("time_zone", s.time_zone, { placeholder: "Asia/Shanghai" })),
    ),
    el("div", { class: "grid3" },
      field(t("admin.settings.base_url"), input("base_url", s.base_url, { type: "url" })),
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
    el("p", { class: "hint" }, t("admin.settings.base_url_hint")),
    el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary" }, t("admin.save"))),
  );
  // The base URL is part of the printers' setup step: the QR codes they
  // print lead there.
  const warnings = setupWarnings("printers", ["no_base_url"]);
  main.append(el("h1", {}, t("admin.settings.title")), warnings, f);
  await warnings.refresh();

  const num = (name) => Number(f.elements[name].value || 0);
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
        opens_at: e.opens_at.value.trim(),
        closes_at: e.closes_at.value.trim(),
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
        lounge_message: e.lounge_message.value.trim(),
      };
      return command({ type: "set_settings", settings: next }, key);
    },
    async () => {
      settings = await api("GET", "/api/v1/settings");
      await warnings.refresh();
      notice(t("admin.saved"), "ok");
    },
  );
});
