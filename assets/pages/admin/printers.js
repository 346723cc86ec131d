// The shop's printers: each a CUPS queue or an IPP printer on the LAN,
// with an optional PWG media name and its use — the A4 printer takes job
// cards, estimates and settlements, the label printer the seat labels.
// They are part of the settings and saved with them.

import { t, el, form, command, notice, api } from "../staff/app.js";
import { startAdmin, input, select, table, setupWarnings } from "../staff/kit.js";

startAdmin(async (main, ctx) => {
  let settings = ctx.settings;
  const uses = [["a4", t("admin.printers.use_a4")], ["label", t("admin.printers.use_label")]];
  const body = el("tbody");
  const row = (p, i) =>
    el(
      "tr",
      { class: "printer" },
      el("td", {}, input("name", p.name, { "data-field": `settings.printers[${i}].name`, "aria-label": t("admin.printers.name"), required: true })),
      el("td", {}, input("uri", p.uri, { "data-field": `settings.printers[${i}].uri`, "aria-label": t("admin.printers.uri"), placeholder: "ipp://192.168.1.30/ipp/print", size: 40 })),
      el("td", {}, input("media", p.media, { "data-field": `settings.printers[${i}].media`, "aria-label": t("admin.printers.media"), placeholder: "iso_a4_210x297mm" })),
      el("td", {}, select("use", uses, p.use || "a4", { "data-field": `settings.printers[${i}].use`, "aria-label": t("admin.printers.use") })),
      el("td", { class: "actions" }, el("button", { type: "button", class: "small danger", onclick: (e) => { e.target.closest("tr").remove(); renumber(); } }, t("admin.remove"))),
    );
  // A removed row moves the others up: their fields' names follow, so an
  // error lands next to the right one.
  const renumber = () =>
    body.querySelectorAll("tr").forEach((tr, i) => tr.querySelectorAll("[data-field]").forEach((n) => (n.dataset.field = n.dataset.field.replace(/\[\d+\]/, `[${i}]`))));
  const fill = () => body.replaceChildren(...(settings.printers || []).map(row));
  fill();
  const t_ = table([t("admin.printers.name"), t("admin.printers.uri"), t("admin.printers.media"), t("admin.printers.use"), ""], []);
  t_.querySelector("tbody").replaceWith(body);
  const f = el(
    "form",
    { novalidate: true, id: "printers", class: "card" },
    t_,
    el("p", { class: "hint" }, t("admin.printers.hint")),
    el(
      "div",
      { class: "buttons" },
      el("button", { type: "button", id: "add-printer", onclick: () => { body.append(row({ use: "a4" }, body.children.length)); body.lastChild.querySelector("input").focus(); } }, t("admin.printers.add")),
      el("button", { type: "submit", class: "primary" }, t("admin.save")),
    ),
  );
  const warnings = setupWarnings("printers");
  main.append(el("h1", {}, t("admin.printers.title")), warnings, f);
  // The form takes its submit before anything else is awaited: a save
  // pressed while the setup list loads must not reload the page.
  form(
    f,
    (key) => {
      const printers = Array.from(body.querySelectorAll("tr"), (tr) => {
        const v = (n) => tr.querySelector(`[name=${n}]`).value.trim();
        const p = { name: v("name"), uri: v("uri"), use: v("use") };
        if (v("media")) p.media = v("media");
        return p;
      });
      return command({ type: "set_settings", settings: { ...settings, printers } }, key);
    },
    async () => {
      settings = await api("GET", "/api/v1/settings");
      fill();
      await warnings.refresh();
      notice(t("admin.saved"), "ok");
    },
  );
  await warnings.refresh();
});
