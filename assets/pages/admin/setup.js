// The admin's first page: setting the shop up, step by step in the order
// to take them (bays, teams, technicians, users, printers, catalogue,
// screens), each with what is done and what is still missing. The server
// decides both (GET /api/v1/setup); this page only shows them and leads
// to the page of each step.

import { t, el, api } from "../staff/app.js";
import { startAdmin, setupPage } from "../staff/kit.js";

startAdmin(async (main) => {
  const { steps } = await api("GET", "/api/v1/setup");
  const list = el(
    "ol",
    { class: "setup", id: "setup" },
    steps.map((s) =>
      el(
        "li",
        { class: s.done ? "done" : "todo", dataset: { step: s.step } },
        el(
          "div",
          { class: "setup-head" },
          el("strong", {}, t(`admin.setup.step.${s.step}`)),
          el("span", { class: s.done ? "flag green" : "flag yellow" }, s.done ? t("admin.setup.done") : t("admin.setup.todo")),
          s.count ? el("span", { class: "muted" }, t("admin.setup.count", { n: s.count })) : null,
          el("a", { href: setupPage(s.step), class: "open" }, t("admin.setup.open")),
        ),
        s.missing.length
          ? el(
              "ul",
              { class: "missing" },
              s.missing.map((m) => el("li", { dataset: { gap: m.gap } }, el("a", { href: setupPage(s.step, m.gap) }, t(`admin.setup.gap.${m.gap}`, { name: m.name || "" })))),
            )
          : null,
      ),
    ),
  );
  main.append(
    el("h1", {}, t("admin.setup.title")),
    el("section", { class: "setup-steps" },
      el("p", { class: "hint" }, steps.every((s) => s.done) ? t("admin.setup.all_done") : t("admin.setup.intro")),
      list,
    ),
  );
});
