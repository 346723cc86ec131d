// The shop's catalogue, offered when an advisor builds an estimate:
// labour operations with their sold hours and price, and parts with their
// unit price. Prices are typed in yuan and kept in fen. Each list is
// searched and paged by the server (a dealer's parts list runs to tens of
// thousands of numbers), and both come in from a DMS's or the maker's
// file: read, previewed row by row with each bad row's error, and written
// only when the manager confirms.

import { t, el, api, command, money, form, notice, ruleText } from "../staff/app.js";
import { startAdmin, setupWarnings, editor, field, input, check, select, table } from "../staff/kit.js";

// fen turns a typed price into the minor unit; what is not a number is
// sent as -1 so that the server refuses it next to its field.
function fen(v) {
  const s = String(v).trim();
  if (s === "") return 0;
  const n = Number(s);
  return Number.isFinite(n) ? Math.round(n * 100) : -1;
}

const pageSize = 50;

// searched is a list's search box and pager; load() reads the page they
// show.
function searched(list, id) {
  let offset = 0;
  let total = 0;
  let ed = null;
  const box = el("input", { type: "search", id: `${id}-search`, autocomplete: "off", placeholder: t("admin.catalog.search"), "aria-label": t("admin.catalog.search") });
  const shown = el("span", { class: "muted", id: `${id}-shown` });
  const prev = el("button", { type: "button", class: "small", id: `${id}-prev`, onclick: () => go(offset - pageSize) }, t("admin.catalog.prev"));
  const next = el("button", { type: "button", class: "small", id: `${id}-next`, onclick: () => go(offset + pageSize) }, t("admin.catalog.next"));
  let asked = 0;
  async function go(to) {
    offset = Math.max(0, to);
    try {
      await ed.reload();
    } catch (e) {
      if (e.message !== "superseded") throw e; // a later keystroke's page is on its way
    }
  }
  box.addEventListener("input", () => go(0));
  return {
    tools: el("span", { class: "toolbar" }, box, prev, shown, next),
    attach(e) { ed = e; },
    async load() {
      const n = ++asked;
      const page = await api("GET", `/api/v1/${list}?limit=${pageSize}&offset=${offset}&q=${encodeURIComponent(box.value.trim())}`);
      if (n !== asked) throw new Error("superseded");
      total = page.total;
      shown.textContent = total ? t("admin.catalog.shown", { from: offset + 1, to: offset + page.items.length, total }) : t("admin.catalog.none");
      prev.disabled = offset === 0;
      next.disabled = offset + page.items.length >= total;
      return page.items;
    },
  };
}

startAdmin(async (main, ctx) => {
  const cur = ctx.settings.currency || "CNY";
  const imp = el("section", { id: "import", class: "card" });
  const ops = el("section", { id: "operations" });
  const parts = el("section", { id: "parts" });
  main.append(imp, ops, parts);
  const opSearch = searched("operations", "operations");
  // Operations and parts are one step: either kind fills the catalogue.
  const warnings = setupWarnings("catalog");
  const opEd = editor(ops, {
    warnings,
    title: t("admin.catalog.operations"),
    newLabel: t("admin.catalog.new_operation"),
    newId: "new-operation",
    saveLabel: t("admin.save"),
    savedText: t("admin.saved"),
    tools: opSearch.tools,
    heads: [t("admin.catalog.code"), t("admin.catalog.name"), el("th", { class: "num" }, t("admin.catalog.sold_hours")), el("th", { class: "num" }, t("admin.catalog.price")), t("admin.active")],
    load: opSearch.load,
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
  opSearch.attach(opEd);
  const partSearch = searched("catalog-parts", "parts");
  const partEd = editor(parts, {
    warnings,
    title: t("admin.catalog.parts"),
    newLabel: t("admin.catalog.new_part"),
    newId: "new-part",
    saveLabel: t("admin.save"),
    savedText: t("admin.saved"),
    tools: partSearch.tools,
    heads: [t("admin.catalog.number"), t("admin.catalog.name"), el("th", { class: "num" }, t("admin.catalog.unit_price")), t("admin.active")],
    load: partSearch.load,
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
  partSearch.attach(partEd);
  importer(imp, cur, () => Promise.all([opEd.reload(), partEd.reload()]));
  await Promise.all([opEd.start(), partEd.start()]);
});

// importer draws the import: a file is read into a preview, which the
// manager confirms or drops.
function importer(box, cur, reloadLists) {
  const f = el("form", { id: "import-form", class: "toolbar", novalidate: true },
    el("h2", {}, t("admin.catalog.import.title")),
    field(t("admin.catalog.import.kind"), select("kind", [["parts", t("admin.catalog.parts")], ["operations", t("admin.catalog.operations")]], "parts")),
    field(t("admin.catalog.import.file"), el("input", { type: "file", name: "file", accept: ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", required: true })),
    el("button", { type: "submit", class: "primary", id: "import-read" }, t("admin.catalog.import.read")));
  const preview = el("div", { id: "import-preview" });
  box.append(f, el("p", { class: "hint" }, t("admin.catalog.import.hint")), preview);

  form(f, async () => {
    const file = f.file.files[0];
    if (!file) throw { fields: [{ field: "file", message: "is required" }] };
    try {
      return await api("POST", `/api/v1/catalog/imports?kind=${f.kind.value}&name=${encodeURIComponent(file.name)}`, file);
    } catch (e) {
      // A file refused whole is said next to the file, its column named.
      e.fields = (e.fields || []).map((fe) => fe.field === "file" || fe.field === "kind" ? fe
        : { field: "file", message: `${columnName(fe.field)}: ${ruleText(fe.message)}` });
      throw e;
    }
  }, (pv) => show(pv));

  function show(pv) {
    const ops = pv.kind === "operations";
    const summary = el("p", { id: "import-summary" }, t("admin.catalog.import.summary", {
      name: pv.name || "—", rows: pv.rows, add: pv.add, update: pv.update, same: pv.same, bad: pv.error_rows }));
    const errors = pv.errors.length
      ? [el("h3", {}, t("admin.catalog.import.errors", { n: pv.error_rows })),
        el("div", { class: "pane import-pane" }, table([t("admin.catalog.import.row"), t("admin.catalog.import.column"), t("admin.catalog.import.why")],
          pv.errors.map((e) => el("tr", { "data-row": e.row }, el("td", { class: "num" }, e.row), el("td", {}, e.column || columnName(e.field)), el("td", {}, ruleText(e.message)))),
          { id: "import-errors" }))]
      : [];
    const heads = [t("admin.catalog.import.row"), t("admin.catalog.import.col_action"), ops ? t("admin.catalog.code") : t("admin.catalog.number"), t("admin.catalog.name")];
    if (ops) heads.push(el("th", { class: "num" }, t("admin.catalog.sold_hours")));
    heads.push(el("th", { class: "num" }, ops ? t("admin.catalog.price") : t("admin.catalog.unit_price")), t("admin.active"));
    const rows = pv.items.map((it) => {
      const x = it.operation || it.part;
      const cells = [el("td", { class: "num" }, it.row), el("td", {}, el("span", { class: `flag ${{ add: "green", update: "blue", same: "" }[it.action]}` }, t(`admin.catalog.import.action.${it.action}`))),
        el("td", {}, x.code || x.number), el("td", {}, x.name)];
      if (ops) cells.push(el("td", { class: "num" }, x.sold_hours.toFixed(1)));
      cells.push(el("td", { class: "num" }, money(ops ? x.price : x.unit_price, cur)), el("td", {}, x.active ? t("admin.yes") : t("admin.no")));
      return el("tr", { "data-row": it.row }, cells);
    });
    const items = pv.items.length
      ? [el("h3", {}, pv.valid > pv.items.length ? t("admin.catalog.import.first_rows", { n: pv.items.length, total: pv.valid }) : t("admin.catalog.import.rows")),
        el("div", { class: "pane import-pane" }, table(heads, rows, { id: "import-items" }))]
      : [];
    const confirm = el("form", { id: "import-confirm-form", class: "buttons" },
      el("button", { type: "submit", class: "primary", id: "import-confirm", disabled: pv.valid === 0 }, t("admin.catalog.import.confirm", { n: pv.valid })),
      el("button", { type: "button", id: "import-drop", onclick: () => preview.replaceChildren() }, t("admin.catalog.import.drop")));
    form(confirm, () => api("POST", `/api/v1/catalog/imports/${encodeURIComponent(pv.id)}`), async (out) => {
      const s = out.summary;
      const done = t("admin.catalog.import.done", { added: s.added, updated: s.updated, unchanged: s.unchanged });
      preview.replaceChildren(el("p", { class: "flag green", id: "import-done" }, done));
      notice(done, "ok");
      f.reset();
      await reloadLists();
    });
    preview.replaceChildren(summary, ...errors, ...items, confirm);
  }
}

// columnName is the page's name for a field of a catalogue row.
function columnName(field) {
  return t(`admin.catalog.field.${field}`);
}
