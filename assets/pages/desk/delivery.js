// Delivery (交车): the cars ready to hand back. For one car: the checklist
// walked with the customer (work shown, old parts shown, car clean, seat
// restored to the label), the settlement's lines against the estimate the
// customer signed with the difference explained, who pays each line and
// the discounts (staff/settlement.js), the next service date and mileage,
// the customer's payment of their share, and the stamped settlement with
// its exit pass.
// ?job= opens one job.

import { start, api, command, el, t, money, form, notice, problemText } from "/assets/staff/app.js";
import { watchJobs, stageChip, flagChips, flagsOf, dateTime, localValue, isoOf, fen, yuan, printPanel } from "/assets/staff/advisor.js";
import { settlementPanel } from "/assets/staff/settlement.js";

const methods = [
  { id: "wechat", key: "desk.pay.wechat" },
  { id: "alipay", key: "desk.pay.alipay" },
  { id: "card", key: "desk.pay.card" },
  { id: "cash", key: "desk.pay.cash" },
  { id: "transfer", key: "desk.pay.transfer" },
  { id: "account", key: "desk.pay.account" },
];

start("desk", async (main, ctx) => {
  const { user, settings } = ctx;
  const currency = settings.currency;
  let selected = new URLSearchParams(location.search).get("job") || "";
  const listBody = el("tbody");
  const detail = el("section", { class: "card side", id: "detail" }, el("p", { class: "muted" }, t("desk.delivery.pick")));
  main.append(el("h1", {}, t("desk.delivery.title")),
    el("div", { class: "split" },
      el("section", { class: "card" },
        el("table", { class: "table compact", id: "ready" },
          el("thead", {}, el("tr", {}, el("th", {}, t("desk.col.plate")), el("th", {}, t("desk.col.customer")), el("th", {}, t("desk.col.stage")),
            el("th", {}, t("desk.col.advisor")), el("th", { class: "num" }, t("desk.col.promised")), el("th", {}, t("desk.col.flags")))),
          listBody)),
      detail));

  async function refresh() {
    let jobs;
    try {
      jobs = await api("GET", "/api/v1/jobs");
    } catch (e) {
      listBody.replaceChildren(el("tr", {}, el("td", { colspan: 6, class: "error" }, problemText(e))));
      return;
    }
    // Ready cars first; those being checked or washed follow, to prepare.
    const order = { ready: 0, washing: 1, quality_check: 2 };
    const list = jobs.filter((j) => j.job.stage in order).sort((a, b) => order[a.job.stage] - order[b.job.stage] || a.job.promised_at.localeCompare(b.job.promised_at));
    listBody.replaceChildren(...list.map((js) => {
      const tr = el("tr", { tabindex: 0, "data-job": js.job.id, class: js.job.id === selected ? "selected" : "" },
        el("td", { class: "plate" }, js.plate, el("div", { class: "muted" }, js.model)),
        el("td", {}, js.customer), el("td", {}, stageChip(js.job.stage)), el("td", {}, js.advisor),
        el("td", { class: "num" }, dateTime(js.job.promised_at)), el("td", {}, flagChips(flagsOf(js))));
      tr.addEventListener("click", () => select(js.job.id));
      tr.addEventListener("keydown", (ev) => ev.key === "Enter" && select(js.job.id));
      return tr;
    }));
    if (!list.length) listBody.append(el("tr", {}, el("td", { colspan: 6, class: "empty" }, t("desk.delivery.none"))));
  }

  function select(id) {
    selected = id;
    history.replaceState(null, "", `?job=${encodeURIComponent(id)}`);
    listBody.querySelectorAll("tr").forEach((tr) => tr.classList.toggle("selected", tr.dataset.job === id));
    show(id);
  }

  async function show(id) {
    let d;
    try {
      d = await api("GET", `/api/v1/jobs/${encodeURIComponent(id)}`);
    } catch (e) {
      detail.replaceChildren(el("p", { class: "error" }, problemText(e)));
      return;
    }
    const j = d.job;
    // What the customer pays, against what they signed for.
    const due = d.settlement.customer_due;
    const diff = due - (j.estimated?.total || 0) || d.settlement.gross - (j.estimated?.total || 0);
    const approved = d.findings.filter((f) => f.status === "approved");
    const head = el("div", { class: "toolbar", "data-job": j.id }, el("h2", { class: "plate" }, d.plate), el("span", { class: "muted" }, d.model),
      el("strong", {}, d.customer), el("a", { href: `tel:${d.phone}` }, d.phone), stageChip(j.stage));
    const lines = settlementPanel(d, { currency, user, settings, changed: () => show(id) });
    const parts = [head, lines];
    if (approved.length) {
      parts.push(el("p", { class: "muted" }, t("desk.delivery.approved_work"), " ", approved.map((f) => `${f.description} (${money(f.price, currency)})`).join("；")));
    }
    if (j.stage === "delivered") {
      parts.push(el("p", { class: "flag green", id: "delivered" }, t("desk.delivery.done", { time: dateTime(j.delivery?.at) })));
      parts.push(el("h2", {}, t("desk.jobs.print")), printPanel(j.id, ["settlement"], j.stage));
      detail.replaceChildren(...parts);
      return;
    }
    // The server says whether this person may deliver the car now.
    if (!d.may.includes("deliver")) {
      parts.push(el("p", { class: "muted" }, t("desk.delivery.not_ready")));
      detail.replaceChildren(...parts);
      return;
    }
    const next = new Date();
    next.setMonth(next.getMonth() + 6);
    const mileage = j.walk_around?.mileage_km || 0;
    const check = (name, text) => el("label", { class: "check" }, el("input", { type: "checkbox", name }), el("span", {}, text));
    const f = el("form", { id: "deliver", novalidate: true },
      el("h2", {}, t("desk.delivery.checklist")),
      el("div", { class: "checks" },
        check("work_shown", t("desk.delivery.work_shown")), check("old_parts_shown", t("desk.delivery.old_parts_shown")),
        check("car_clean", t("desk.delivery.car_clean")), check("seat_restored", t("desk.delivery.seat_restored"))),
      el("label", {}, el("span", {}, t("desk.field.explanation")),
        el("textarea", { name: "explanation", rows: 2, placeholder: diff ? t("desk.delivery.explain_hint") : "" }, diff && approved.length ? approved.map((f) => f.description).join("；") : "")),
      el("div", { class: "grid4" },
        el("label", {}, el("span", {}, t("desk.field.next_service_at")), el("input", { type: "date", name: "next_service_at", value: localValue(next.toISOString()).slice(0, 10) })),
        el("label", {}, el("span", {}, t("desk.field.next_service_km")), el("input", { type: "number", name: "next_service_km", min: 0, value: mileage ? mileage + 5000 : "" })),
        el("label", {}, el("span", {}, t("desk.field.paid")), el("input", { name: "paid", inputmode: "decimal", value: yuan(due) })),
        el("label", {}, el("span", {}, t("desk.field.payment_method")), el("select", { name: "payment_method" }, el("option", { value: "" }, "—"),
          methods.map((m) => el("option", { value: m.id }, t(m.key)))))),
      el("h2", {}, t("desk.jobs.print")),
      printPanel(j.id, ["settlement"], j.stage),
      el("div", { class: "toolbar" }, el("span", { class: "grow" }), el("button", { type: "submit", class: "primary", id: "deliver-button" }, t("desk.delivery.deliver"))));
    parts.push(f);
    detail.replaceChildren(...parts);
    form(f, (key) => {
      const body = {
        type: "deliver", job_id: j.id, work_shown: f.work_shown.checked, old_parts_shown: f.old_parts_shown.checked,
        car_clean: f.car_clean.checked, seat_restored: f.seat_restored.checked, explanation: f.explanation.value.trim(),
        paid: fen(f.paid.value), payment_method: f.payment_method.value,
      };
      const at = isoOf(f.next_service_at.value ? f.next_service_at.value + "T09:00" : "");
      if (at) body.next_service_at = at;
      const km = parseInt(f.next_service_km.value, 10);
      if (km) body.next_service_km = km;
      if (!body.explanation) delete body.explanation;
      if (!body.payment_method) delete body.payment_method;
      return command(body, key);
    }, async () => {
      notice(t("desk.delivery.delivered", { plate: d.plate }), "ok");
      await refresh();
      await show(j.id);
    });
  }

  // The list is read again only when a car enters or leaves the last
  // stages, not on every clock-on in the shop.
  let seen = "";
  watchJobs(user, (model) => {
    const now = (model.lists.jobs || []).filter((j) => ["quality_check", "washing", "ready"].includes(j.stage)).map((j) => j.id + j.stage).join();
    if (now !== seen) {
      seen = now;
      refresh();
    }
  });
  await refresh();
  if (selected) show(selected);
});
