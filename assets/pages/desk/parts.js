// Parts beyond the agreed work (配件特批): the parts technicians asked for
// that the job's agreed work does not hold. The counter issues such a part
// only against an approved finding or the advisor's allowance; here the
// advisor gives the allowance, with the reason (the customer's consent by
// phone, a part the shop bears), and the counter then issues it.

import { start, api, command, el, t, form, notice, problemText } from "/assets/staff/app.js";
import { watchJobs, dateTime } from "/assets/staff/advisor.js";
import { payers, payerName } from "/assets/staff/settlement.js";
import { consentInputs, consentOf } from "/assets/staff/revisions.js";

start("desk", async (main, ctx) => {
  watchJobs(ctx.user);
  const list = el("section", { class: "card", id: "beyond" });
  main.append(el("h1", {}, t("desk.parts.title")), el("p", { class: "muted" }, t("desk.parts.intro")), list);
  await refresh();

  async function refresh() {
    let requests;
    try {
      requests = (await api("GET", "/api/v1/parts-requests")).filter((p) => ["requested", "picked", "on_order"].includes(p.status));
    } catch (e) {
      list.replaceChildren(el("p", { class: "error" }, problemText(e)));
      return;
    }
    // The job's own view says which requests are beyond its agreed work.
    const lines = [];
    for (const id of [...new Set(requests.map((p) => p.job_id))]) {
      let job;
      try {
        job = await api("GET", `/api/v1/jobs/${encodeURIComponent(id)}`);
      } catch {
        continue; // closed meanwhile
      }
      for (const l of job.to_draw) {
        if (l.beyond_scope) lines.push({ job, line: l, request: requests.find((p) => p.id === l.request_id) });
      }
    }
    list.replaceChildren(el("h2", {}, t("desk.parts.count", { n: lines.length })),
      lines.length ? el("div", { class: "stack" }, lines.map(card)) : el("p", { class: "muted" }, t("desk.parts.none")));
  }

  function card({ job, line, request }) {
    const f = el("form", { class: "card", "data-request": line.request_id, novalidate: true },
      el("div", { class: "toolbar" },
        el("strong", { class: "plate" }, job.plate || job.job.id), el("span", { class: "muted" }, job.job.id),
        el("strong", {}, line.name), el("span", { class: "grow" }),
        el("span", { class: "muted" }, t("desk.parts.asked", { time: dateTime(request?.requested_at) }))),
      el("div", { class: "grid2" },
        el("label", {}, el("span", {}, t("desk.parts.number")), el("input", { name: "number", value: line.number || "", required: true })),
        el("label", {}, el("span", {}, t("desk.parts.quantity")), el("input", { name: "quantity", type: "number", step: "any", min: "0", value: String(line.wanted) }))),
      el("label", {}, el("span", {}, t("desk.parts.reason")), el("textarea", { name: "reason", rows: 2, placeholder: t("desk.parts.reason_hint") })),
      // Who pays; a part the customer pays for on a signed job takes their
      // consent and becomes a revision of what they signed.
      el("div", { class: "grid4" },
        el("label", {}, el("span", {}, t("desk.parts.payer")), el("select", { name: "payer" },
          ...payers.map((p) => el("option", { value: p }, payerName(p))))),
        ...consentInputs()),
      el("div", { class: "toolbar" }, el("span", { class: "grow" }), el("button", { type: "submit", class: "primary" }, t("desk.parts.allow"))));
    form(f, (key) => {
      const body = { type: "allow_part", job_id: job.job.id, request_id: line.request_id, number: f.number.value.trim(),
        quantity: parseFloat(f.quantity.value) || 0, reason: f.reason.value.trim(), payer: f.payer.value };
      if (f.payer.value === "customer") body.consent = consentOf(f);
      return command(body, key);
    }, async () => {
      notice(t("desk.parts.allowed", { plate: job.plate || job.job.id }), "ok");
      await refresh();
    });
    return f;
  }
});
