// The parts counter (/k/parts). The pick list first: each dispatched job
// with the parts it draws (its agreed scope, the advisor's allowances,
// the technicians' requests), what it has drawn and what is left; the
// clerk issues a part against the job at the catalogue's price (another
// price with its reason) and takes back what the job returns (退料).
// Then the open requests by age, to mark picked or on order with an ETA
// (an ETA moves the job's live ETA), and the next day's bookings whose
// parts are prepared today.

import { boot, api, command, me, signIn, signOut, t, el, plate, when, money, button, notice, failed, labelled, every } from "./kiosk.js";
import { wallTime, fromWallTime } from "../kit/format.js";

// busy is the form open under the clerk's hands (an issue, a return, an
// ETA); the page does not redraw meanwhile.
let busy = null;

async function load() {
  const main = document.getElementById("main");
  const [pick, requests] = await Promise.all([api("GET", "/api/v1/pick-list"), api("GET", "/api/v1/parts-counter")]);
  if (pick.status === 401 || requests.status === 401) {
    await signIn({ mode: "login" });
    return load();
  }
  // Who may open the counter is the server's to say.
  if (pick.status === 403 && pick.data.code === "forbidden") {
    main.replaceChildren(el("section", { class: "card empty" },
      el("p", { text: t("kiosk.counter.not_clerk") }),
      button(t("kiosk.signout"), "", async () => { await signOut(); location.reload(); })));
    return;
  }
  if (!pick.ok || !requests.ok) {
    failed(pick.ok ? requests : pick);
    return;
  }
  const jobs = pick.data.jobs;
  const rows = requests.data;
  const prepare = pick.data.prepare;
  const left = jobs.filter((j) => j.lines.some((l) => l.to_draw > 0)).length;
  main.replaceChildren(
    el("h2", { class: "count", id: "pick-list", text: t("kiosk.counter.to_draw", { n: left }) }),
    jobs.length ? el("div", { class: "request-list" }, jobs.map(pickJob)) : el("p", { class: "card empty", text: t("kiosk.counter.nothing_to_draw") }),
    el("h2", { class: "count", text: t("kiosk.counter.open", { n: rows.length }) }),
    rows.length ? el("div", { class: "request-list" }, rows.map(row)) : el("p", { class: "card empty", text: t("kiosk.counter.none") }),
    el("h2", { class: "count", text: t("kiosk.counter.prepare", { n: prepare.length }) }),
    prepare.length ? el("div", { class: "request-list" }, prepare.map(booking)) : el("p", { class: "card empty", text: t("kiosk.counter.nothing_to_prepare") }),
  );
}

// pickJob is a job on the pick list: its lines, then what it holds.
function pickJob(j) {
  const cancelled = j.stage === "cancelled";
  return el("article", { class: `card pick stage-${j.stage}`, "data-job": j.job_id },
    el("div", { class: "job-top" }, j.plate ? plate(j.plate, "plate") : el("span", { text: j.job_id }),
      el("span", { class: "badge", text: cancelled ? t("kiosk.counter.cancelled_return") : t(`stage.${j.stage}`) })),
    el("div", { class: "job-line muted" }, el("span", { text: j.job_id }), el("span", { text: j.bay ? t("kiosk.job.bay", { bay: j.bay }) : "" })),
    cancelled ? null : el("ul", { class: "pick-lines" }, j.lines.map((l) => pickLine(j, l))),
    j.held.length ? el("h3", { text: t("kiosk.counter.held") }) : null,
    j.held.length ? el("ul", { class: "held-lines" }, j.held.map((ip) => heldLine(j, ip))) : null,
    el("div", { class: "row-buttons" }, el("a", { class: "button print", href: `/api/v1/jobs/${encodeURIComponent(j.job_id)}/pick-list.pdf`, target: "_blank", text: t("kiosk.counter.print") })),
  );
}

function basisText(l) {
  if (l.request_id && !l.allowance_id) return t("kiosk.counter.basis_request");
  if (l.basis === "allowance") return t("kiosk.counter.basis_allowance");
  return t("kiosk.counter.basis_scope");
}

function pickLine(j, l) {
  const li = el("li", { class: `pick-line${l.to_draw > 0 ? " left" : " done"}`, "data-number": l.number || "", "data-request": l.request_id || "" },
    el("div", { class: "part-name", text: `${l.name}${l.number ? " · " + l.number : ""}` }),
    el("div", { class: "job-line muted" },
      el("span", { text: basisText(l) }),
      el("span", { class: "drawn", text: t("kiosk.counter.drawn", { issued: l.issued, wanted: l.wanted }) }),
      l.in_catalog ? el("span", { text: money(l.unit_price) }) : null),
  );
  if (l.to_draw <= 0) {
    li.append(el("div", { class: "status done", text: t("kiosk.counter.all_drawn") }));
  } else if (l.beyond_scope) {
    li.append(el("div", { class: "status wait", text: t("kiosk.counter.needs_allowance") }));
  } else if (!l.in_catalog) {
    li.append(el("div", { class: "status wait", text: t("kiosk.counter.not_in_catalog") }));
  } else {
    li.append(el("div", { class: "row-buttons" },
      el("span", { class: "left-count", text: t("kiosk.counter.left", { n: l.to_draw }) }),
      button(t("kiosk.counter.issue"), "primary", async () => issueForm(li, j, l))));
  }
  return li;
}

// issueForm issues a line's part: the quantity left, at the catalogue's
// price; a price changed here goes with its reason.
function issueForm(li, j, l) {
  busy = li;
  const qty = labelled(t("kiosk.counter.quantity"), { name: "quantity", type: "number", min: "0.01", step: "any", value: String(l.to_draw), inputmode: "decimal", required: true });
  const price = labelled(t("kiosk.counter.unit_price"), { name: "unit_price", type: "number", min: "0", step: "0.01", value: (l.unit_price / 100).toFixed(2), inputmode: "decimal", required: true });
  const reason = labelled(t("kiosk.counter.price_reason"), { name: "price_reason", maxlength: "300" });
  const form = el("form", { class: "form" }, qty.label, price.label, reason.label,
    el("div", { class: "row-buttons" },
      el("button", { class: "big primary", type: "submit", text: t("kiosk.counter.issue_submit") }),
      button(t("kiosk.cancel"), "quiet", async () => { busy = null; await load(); })));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const body = { type: "issue_part", job_id: j.job_id, number: l.number, quantity: parseFloat(qty.input.value) };
    if (l.allowance_id) body.allowance_id = l.allowance_id;
    if (l.request_id) body.request_id = l.request_id;
    const fen = Math.round(parseFloat(price.input.value) * 100);
    if (fen !== l.unit_price) {
      body.unit_price = fen;
      body.price_reason = reason.input.value.trim();
      if (!body.price_reason) {
        notice(t("kiosk.counter.price_reason_needed"), "error");
        reason.input.focus();
        return;
      }
    }
    await give(body, t("kiosk.counter.issued_done"));
  };
  li.querySelector(".row-buttons").replaceWith(form);
  qty.input.focus();
}

// heldLine is a part the job holds, with its return button.
function heldLine(j, ip) {
  const held = Math.round((ip.quantity - (ip.returned || 0)) * 1000) / 1000;
  const li = el("li", { class: "held-line", "data-issue": ip.id },
    el("div", { class: "part-name", text: `${ip.name} · ${ip.number}` }),
    el("div", { class: "job-line muted" },
      el("span", { text: t("kiosk.counter.holds", { n: held }) }),
      ip.returned ? el("span", { text: t("kiosk.counter.returned", { n: ip.returned }) }) : null,
      el("span", { text: money(ip.unit_price) })),
    el("div", { class: "row-buttons" }, button(t("kiosk.counter.return"), "", async () => returnForm(li, j, ip, held))),
  );
  return li;
}

function returnForm(li, j, ip, held) {
  busy = li;
  const qty = labelled(t("kiosk.counter.quantity"), { name: "quantity", type: "number", min: "0.01", step: "any", value: String(held), inputmode: "decimal", required: true });
  const reason = labelled(t("kiosk.counter.return_reason"), { name: "reason", maxlength: "300" });
  const form = el("form", { class: "form" }, qty.label, reason.label,
    el("div", { class: "row-buttons" },
      el("button", { class: "big warn", type: "submit", text: t("kiosk.counter.return_submit") }),
      button(t("kiosk.cancel"), "quiet", async () => { busy = null; await load(); })));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const body = { type: "return_part", job_id: j.job_id, issue_id: ip.id, quantity: parseFloat(qty.input.value) };
    if (reason.input.value.trim()) body.reason = reason.input.value.trim();
    await give(body, t("kiosk.counter.returned_done"));
  };
  li.querySelector(".row-buttons").replaceWith(form);
  qty.input.focus();
}

// give sends an issue or a return; a refusal the clerk can act on says
// which, in the page's language.
async function give(body, done) {
  const res = await command(body);
  if (!res.ok) {
    const field = res.data && res.data.errors && res.data.errors[0] && res.data.errors[0].field;
    if (res.data && res.data.code === "conflict" && field === "quantity") notice(t("kiosk.counter.too_many"), "error");
    else if (res.data && res.data.code === "conflict" && field === "number") notice(t("kiosk.counter.beyond_scope"), "error");
    else if (res.data && res.data.code === "invalid" && field === "price_reason") notice(t("kiosk.counter.price_reason_needed"), "error");
    else failed(res, () => give(body, done));
    return;
  }
  busy = null;
  notice(done, "ok");
  await load();
}

function row(r) {
  const p = r.request;
  const status = p.status === "on_order" && p.eta ? t("kiosk.parts.eta", { time: when(p.eta) }) : t(`parts.${p.status}`);
  const card = el("article", { class: `card request part-${p.status}`, "data-request": p.id },
    el("div", { class: "job-top" }, r.plate ? plate(r.plate, "plate") : el("span", { text: p.job_id }), el("span", { class: "badge", text: status })),
    el("div", { class: "part-name", text: `${p.description} ×${p.quantity}` }),
    el("div", { class: "job-line muted" },
      el("span", { text: p.number || "" }),
      el("span", { text: r.bay ? t("kiosk.job.bay", { bay: r.bay }) : "" })),
    el("div", { class: "job-line muted" },
      el("span", { text: t("kiosk.counter.asked", { name: r.requested_by_name, time: when(p.requested_at) }) }),
      el("span", { class: r.waiting_minutes >= 30 ? "late" : "", text: t("time.minutes", { n: r.waiting_minutes }) })),
    el("p", { class: "muted", text: t("kiosk.counter.issue_from_list") }),
  );
  const buttons = el("div", { class: "row-buttons" });
  if (p.status === "requested") buttons.append(button(t("kiosk.counter.picked"), "", () => update(p.id, "picked")));
  buttons.append(button(t("kiosk.counter.on_order"), "warn", async () => orderForm(card, p)));
  card.append(buttons);
  return card;
}

function orderForm(card, p) {
  busy = card;
  // In a day, on the hour of the shop's clock.
  const local = wallTime(new Date(Date.now() + 24 * 3600 * 1000).toISOString()).slice(0, 14) + "00";
  const eta = labelled(t("kiosk.counter.eta"), { name: "eta", type: "datetime-local", value: local, required: true });
  const form = el("form", { class: "form" }, eta.label,
    el("div", { class: "row-buttons" },
      el("button", { class: "big warn", type: "submit", text: t("kiosk.counter.order_submit") }),
      button(t("kiosk.cancel"), "quiet", async () => { busy = null; await load(); })));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const at = fromWallTime(eta.input.value);
    if (!at) {
      notice(t("kiosk.counter.eta_needed"), "error");
      return;
    }
    await update(p.id, "on_order", at);
  };
  card.querySelector(".row-buttons").replaceWith(form);
}

async function update(id, status, eta) {
  const res = await command({ type: "update_parts", request_id: id, status, eta });
  if (!res.ok) {
    failed(res, () => update(id, status, eta));
    return;
  }
  busy = null;
  notice(t("kiosk.counter.updated"), "ok");
  await load();
}

// booking is a next-day appointment whose parts are put ready today.
function booking(b) {
  return el("article", { class: "card prepare", "data-appointment": b.appointment_id },
    el("div", { class: "job-top" }, b.plate ? plate(b.plate, "plate") : el("span", { text: b.appointment_id }),
      el("span", { class: "badge", text: b.staged ? t("kiosk.counter.staged") : t("kiosk.counter.not_staged") })),
    el("div", { class: "job-line muted" }, el("span", { text: when(b.at) }), el("span", { text: b.requested })),
    el("ul", { class: "pick-lines" }, b.parts.map((p) =>
      el("li", { class: "pick-line" }, el("span", { class: "part-name", text: `${p.name}${p.number ? " · " + p.number : ""} ×${p.quantity}` })))),
  );
}

// Start once everything above is defined.
await boot({ title: () => t("kiosk.counter.title") });
if (!(await me())) await signIn({ mode: "login" });
await load();
every(3000, () => {
  if (!busy) load();
});
