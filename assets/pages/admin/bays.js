// The shop's bays: name, what kind of work each is equipped for, and
// whether it is in use. A bay taken out of use leaves the boards and
// dispatch; its history stays.

import { t, el, api, command } from "../staff/app.js";
import { startAdmin, setupWarnings, bayKinds, editor, field, input, select, check } from "../staff/kit.js";

startAdmin(async (main) => {
  const kinds = bayKinds();
  const kindName = Object.fromEntries(kinds);
  const ed = editor(main, {
    warnings: setupWarnings("bays"),
    title: t("admin.bays.title"),
    newLabel: t("admin.bays.new"),
    saveLabel: t("admin.save"),
    savedText: t("admin.saved"),
    heads: [t("admin.bays.name"), t("admin.bays.kind"), t("admin.active")],
    load: () => api("GET", "/api/v1/bays"),
    id: (b) => b.id,
    row: (b) => [el("strong", {}, b.name), kindName[b.kind] || b.kind, b.active ? t("admin.yes") : t("admin.no")],
    formTitle: (b) => (b ? t("admin.bays.edit", { name: b.name }) : t("admin.bays.new")),
    fields: (b) => [
      field(t("admin.bays.name"), input("name", b?.name, { required: true, maxlength: 60 })),
      field(t("admin.bays.kind"), select("kind", kinds, b?.kind || "general")),
      check("active", t("admin.bays.active"), b ? b.active : true),
    ],
    send: (b, f, key) =>
      command({ type: "put_bay", bay: { id: b?.id || "", name: f.elements.name.value.trim(), kind: f.elements.kind.value, active: f.elements.active.checked } }, key),
  });
  await ed.start();
});
