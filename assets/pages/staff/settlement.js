// The settlement of one job (结算), as the delivery page shows it: each
// line with its payer — customer 自费, warranty 索赔, insurance 保险,
// internal 内部 — and its discount, each payer's total, the discounts with
// their reasons, and what the customer pays. The advisor changes a line's
// payer in place; the advisor or the cashier gives a discount within the
// limit the manager set for their role. The server works the settlement
// out (the job's view carries it) and decides who may change it (the
// view's may): the page only shows and asks.

import { el, t, money, command, form, notice, problemText, ruleText } from "/assets/staff/app.js";
import { fen } from "/assets/staff/advisor.js";

export const payers = ["customer", "warranty", "insurance", "internal"];

// payerName is a payer in the page's language.
export function payerName(payer) {
  return t(`staff.payer.${payer}`);
}

// limitOf is the most, in percent of the customer's share, the person's
// discounts may come to: the highest of their roles', none for a role the
// manager named no limit for; the manager's is not limited (null).
export function limitOf(user, settings) {
  if (user.roles.includes("manager")) return null;
  const limits = settings.discount_limits || {};
  return Math.max(0, ...user.roles.map((r) => limits[r] || 0));
}

// settlementPanel draws a job's settlement (d is the job's view); changed
// is called after a payer or a discount changed, to draw it again.
export function settlementPanel(d, { currency, user, settings, changed }) {
  const s = d.settlement;
  const j = d.job;
  const mayPayer = d.may.includes("set_payer");
  const mayDiscount = d.may.includes("give_discount");
  const lineKey = (l) => `${l.kind}:${l.index}`;
  const rows = s.lines.map((l) => {
    const amount = l.kind === "labour" ? `${l.hours} h` : `× ${l.quantity}`;
    let payer = el("span", { class: `payer payer-${l.payer}` }, payerName(l.payer));
    if (mayPayer) {
      payer = el("select", { "data-payer-of": lineKey(l), "aria-label": t("staff.settlement.payer") },
        payers.map((p) => el("option", { value: p, selected: p === l.payer }, payerName(p))));
      payer.addEventListener("change", async () => {
        payer.disabled = true;
        try {
          await command({ type: "set_payer", job_id: j.id, line: l.kind, index: l.index, payer: payer.value });
          await changed();
        } catch (e) {
          notice(problemText(e) + (e.fields?.length ? `: ${e.fields.map((f) => ruleText(f.message)).join("; ")}` : ""), "bad");
          payer.value = l.payer;
          payer.disabled = false;
        }
      });
    }
    return el("tr", { "data-line": lineKey(l), "data-payer": l.payer },
      el("td", {}, l.name, l.code ? el("div", { class: "muted" }, l.code) : ""),
      el("td", { class: "num" }, amount),
      el("td", {}, payer),
      el("td", { class: "num" }, money(l.amount, currency)),
      el("td", { class: "num" }, l.discount ? "−" + money(l.discount, currency) : ""));
  });
  const estimated = j.estimated?.total || 0;
  const diff = s.customer_due - estimated;
  const lines = el("table", { class: "table compact", id: "settlement" },
    el("thead", {}, el("tr", {}, el("th", {}, t("desk.col.item")), el("th", { class: "num" }, t("desk.col.hours_qty")),
      el("th", {}, t("staff.settlement.payer")), el("th", { class: "num" }, t("desk.col.amount")), el("th", { class: "num" }, t("staff.settlement.discount")))),
    el("tbody", {}, rows),
    el("tfoot", {},
      el("tr", {}, el("td", { colspan: 4 }, t("desk.delivery.settled")), el("td", { class: "num", id: "settled" }, money(s.gross, currency))),
      el("tr", {}, el("td", { colspan: 4 }, t("desk.delivery.estimated")), el("td", { class: "num" }, money(estimated, currency))),
      el("tr", {}, el("td", { colspan: 4 }, t("staff.settlement.customer_due")), el("td", { class: "num", id: "customer-due" }, money(s.customer_due, currency))),
      el("tr", {}, el("td", { colspan: 4 }, t("desk.delivery.difference")),
        el("td", { class: "num " + (diff > 0 ? "diff-up" : diff < 0 ? "diff-down" : ""), id: "difference" }, (diff > 0 ? "+" : "") + money(diff, currency)))));
  const split = el("table", { class: "table compact", id: "payers" },
    el("thead", {}, el("tr", {}, el("th", {}, t("staff.settlement.payer")), el("th", { class: "num" }, t("staff.settlement.labour")),
      el("th", { class: "num" }, t("staff.settlement.parts")), el("th", { class: "num" }, t("staff.settlement.discount")), el("th", { class: "num" }, t("staff.settlement.total")))),
    el("tbody", {}, s.payers.map((p) => el("tr", { "data-payer": p.payer },
      el("td", {}, payerName(p.payer)), el("td", { class: "num" }, money(p.labour, currency)), el("td", { class: "num" }, money(p.parts, currency)),
      el("td", { class: "num" }, p.discount ? "−" + money(p.discount, currency) : ""), el("td", { class: "num total" }, money(p.total, currency))))));
  const out = [el("h2", {}, t("staff.settlement.title")), lines, el("h3", {}, t("staff.settlement.by_payer")), split];
  if (s.warranty.length) {
    out.push(el("p", { class: "muted", id: "warranty-claim" }, t("staff.settlement.warranty_claim"), " ", s.warranty.map((l) => l.name).join("；")));
  }
  out.push(el("h3", {}, t("staff.settlement.discounts")));
  const nameOf = (dc) => {
    if (dc.line === "order") return t("staff.settlement.on_order");
    return s.lines.find((l) => l.kind === dc.line && l.index === dc.index)?.name || "—";
  };
  const list = el("ul", { class: "history", id: "discounts" }, s.discounts.map((dc) => {
    const li = el("li", { "data-discount": dc.id }, el("strong", {}, "−" + money(dc.amount, currency)), " ", nameOf(dc), " · ", dc.reason);
    if (mayDiscount) {
      const remove = el("button", { type: "button", class: "small", "data-remove-discount": dc.id }, t("staff.settlement.remove"));
      remove.addEventListener("click", async () => {
        remove.disabled = true;
        try {
          await command({ type: "remove_discount", job_id: j.id, discount_id: dc.id });
          await changed();
        } catch (e) {
          notice(problemText(e), "bad");
          remove.disabled = false;
        }
      });
      li.append(" ", remove);
    }
    return li;
  }));
  if (!s.discounts.length) list.append(el("li", { class: "muted" }, t("staff.settlement.no_discounts")));
  out.push(list);
  if (mayDiscount) out.push(discountForm(d, { currency, user, settings, changed }));
  return el("section", { id: "settlement-panel", class: "stack" }, out);
}

// discountForm gives a discount on the order or on one of the customer's
// lines, with its reason; the person's limit is said beside it, and a
// refusal over it shows next to the amount.
function discountForm(d, { currency, user, settings, changed }) {
  const s = d.settlement;
  const limit = limitOf(user, settings);
  const lineOptions = [el("option", { value: "order:0" }, t("staff.settlement.on_order"))];
  for (const l of s.lines) {
    if (l.payer === "customer") lineOptions.push(el("option", { value: `${l.kind}:${l.index}` }, `${l.name} (${money(l.net, currency)})`));
  }
  const hint = limit === null ? t("staff.settlement.limit_none")
    : t("staff.settlement.limit", { percent: limit, amount: money(Math.floor((s.customer_gross * limit) / 100), currency) });
  const f = el("form", { id: "discount", novalidate: true },
    el("div", { class: "grid3" },
      el("label", {}, el("span", {}, t("staff.settlement.line")), el("select", { name: "line", "data-field": "index" }, lineOptions)),
      el("label", {}, el("span", {}, t("staff.settlement.amount")), el("input", { name: "amount", inputmode: "decimal" })),
      el("label", {}, el("span", {}, t("staff.settlement.reason")), el("input", { name: "reason" }))),
    el("div", { class: "toolbar" }, el("span", { class: "muted grow", id: "discount-limit" }, hint),
      el("button", { type: "submit" }, t("staff.settlement.give"))));
  form(f, (key) => {
    const [line, index] = f.line.value.split(":");
    const body = { type: "give_discount", job_id: d.job.id, line, amount: fen(f.amount.value), reason: f.reason.value.trim() };
    if (line !== "order") body.index = parseInt(index, 10);
    return command(body, key);
  }, async () => {
    notice(t("staff.settlement.given"), "ok");
    await changed();
  });
  return f;
}
