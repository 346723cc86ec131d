// The shop's catalogue, offered when an advisor builds an estimate:
// labour operations with their sold hours and price, and parts with their
// unit price. Prices are typed in yuan and kept in fen.

import { t, el, api, command, money } from "../staff/app.js";
import { startAdmin, setupWarnings, editor, field, input, check } from "../staff/kit.js";

// fen turns a typed price into the minor unit; what is not a number is
// sent as -1 so that the server refuses it next to its field.
function fen(v) {
  const s = String(v).trim();
  if (s === "") return 0;
  const n = Number(s);
  return Number.isFinite(n) ? Math.round(n * 100) : -1;
}

startAdmin(async (main, ctx) => {
  const cur = ctx.settings.currency || "CNY";
  const ops = el("section", { id: "operations" });
  const parts = el("section", { id: "parts" });
  main.append(ops, parts);
  // Operations and parts are one step: either kind fills the catalogue.
  const warnings = setupWarnings("catalog");
  const opEd = editor(ops, {
    warnings,
    title: t("admin.catalog.operations"),
    newLabel: t("admin.catalog.new_operation"),
    newId: "new-operation",
    saveLabel: t("admin.save"),
    savedText: t("admin.saved"),
    heads: [t("admin.catalog.code"), t("admin.catalog.name"), el("th", { class: "num" }, t("admin.catalog.sold_hours")), el("th", { class: "num" }, t("admin.catalog.price")), t("admin.active")],
    load: () => api("GET", "/api/v1/operations"),
    id: (o) => o.code,
    row: (o) => [o.code, o.name, el("td", { class: "num" }, o.sold_hours.toFixed(1)), el("td", { class: "num" }, money(o.price, cur)), o.active ? t("admin.yes") : t("admin.no")],
    formTitle: (o) => (o ? t("admin.catalog.edit", { name: o.name }) : t("admin.catalog.new_operation")),
    fields: (o) => [
      field(t("admin.catalog.code"), input("code", o?.code, { required: true, maxlength: 20, readonly: !!o })),
      field(t("admin.catalog.name"), input("name", o?.name, { required: true, maxlength: 60 })),
      el("div", { class: "pair" },
        field(t("admin.catalog.sold_hours"), input("sold_hours", o?.sold_hours ?? "", { type: "number", step: "0.1", min: 0, max: 200 })),
        field(t("admin.catalog.price_yuan"), input("price", o ? (o.price / 100).toFixed(2) : "", { inputmode: "decimal" })),
      ),
      check("active", t("admin.catalog.active"), o ? o.active : true),
    ],
    send: (o, f, key) => {
      const e = f.elements;
      const h = Number(e.sold_hours.value || 0);
      return command({ type: "put_operation", operation: { code: e.code.value.trim(), name: e.name.value.trim(), sold_hours: Number.isFinite(h) ? h : -1, price: fen(e.price.value), active: e.active.checked } }, key);
    },
    savedId: (out) => out?.event?.subject,
  });
  const partEd = editor(parts, {
    warnings,
    title: t("admin.catalog.parts"),
    newLabel: t("admin.catalog.new_part"),
    newId: "new-part",
    saveLabel: t("admin.save"),
    savedText: t("admin.saved"),
    heads: [t("admin.catalog.number"), t("admin.catalog.name"), el("th", { class: "num" }, t("admin.catalog.unit_price")), t("admin.active")],
    load: () => api("GET", "/api/v1/catalog-parts"),
    id: (p) => p.number,
    row: (p) => [p.number, p.name, el("td", { class: "num" }, money(p.unit_price, cur)), p.active ? t("admin.yes") : t("admin.no")],
    formTitle: (p) => (p ? t("admin.catalog.edit", { name: p.name }) : t("admin.catalog.new_part")),
    fields: (p) => [
      field(t("admin.catalog.number"), input("number", p?.number, { required: true, maxlength: 40, readonly: !!p })),
      field(t("admin.catalog.name"), input("name", p?.name, { required: true, maxlength: 60 })),
      field(t("admin.catalog.unit_price_yuan"), input("unit_price", p ? (p.unit_price / 100).toFixed(2) : "", { inputmode: "decimal" })),
      check("active", t("admin.catalog.active"), p ? p.active : true),
    ],
    send: (p, f, key) => {
      const e = f.elements;
      return command({ type: "put_catalog_part", part: { number: e.number.value.trim(), name: e.name.value.trim(), unit_price: fen(e.unit_price.value), active: e.active.checked } }, key);
    },
  });
  await Promise.all([opEd.start(), partEd.start()]);
});
