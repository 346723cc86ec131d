// The parts counter (/k/parts): open parts requests, oldest first, for
// the signed-in parts clerk to mark picked, issued, or on order with an
// ETA. Issuing lets the job resume; an ETA moves the job's live ETA.

import { boot, api, command, me, signIn, signOut, t, el, plate, when, button, notice, failed, labelled, every } from "./kiosk.js";
import { wallTime, fromWallTime } from "../kit/format.js";

// onOrder is the request whose ETA is being entered; the list does not
// redraw under the clerk's hands meanwhile.
let onOrder = null;

async function load() {
  const main = document.getElementById("main");
  const res = await api("GET", "/api/v1/parts-counter");
  if (res.status === 401) {
    await signIn({ mode: "login" });
    return load();
  }
  // Who may open the counter is the server's to say.
  if (res.status === 403 && res.data.code === "forbidden") {
    main.replaceChildren(el("section", { class: "card empty" },
      el("p", { text: t("kiosk.counter.not_clerk") }),
      button(t("kiosk.signout"), "", async () => { await signOut(); location.reload(); })));
    return;
  }
  if (!res.ok) {
    failed(res);
    return;
  }
  const rows = res.data;
  main.replaceChildren(
    el("h2", { class: "count", text: t("kiosk.counter.open", { n: rows.length }) }),
    rows.length ? el("div", { class: "request-list" }, rows.map(row)) : el("p", { class: "card empty", text: t("kiosk.counter.none") }),
  );
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
  );
  const buttons = el("div", { class: "row-buttons" });
  if (p.status === "requested") buttons.append(button(t("kiosk.counter.picked"), "", () => update(p.id, "picked")));
  buttons.append(button(t("kiosk.counter.issued"), "primary", () => update(p.id, "issued")));
  buttons.append(button(t("kiosk.counter.on_order"), "warn", async () => orderForm(card, p)));
  card.append(buttons);
  return card;
}

function orderForm(card, p) {
  onOrder = p.id;
  // In a day, on the hour of the shop's clock.
  const local = wallTime(new Date(Date.now() + 24 * 3600 * 1000).toISOString()).slice(0, 14) + "00";
  const eta = labelled(t("kiosk.counter.eta"), { name: "eta", type: "datetime-local", value: local, required: true });
  const form = el("form", { class: "form" }, eta.label,
    el("div", { class: "row-buttons" },
      el("button", { class: "big warn", type: "submit", text: t("kiosk.counter.order_submit") }),
      button(t("kiosk.cancel"), "quiet", async () => { onOrder = null; await load(); })));
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
  onOrder = null;
  notice(t("kiosk.counter.updated"), "ok");
  await load();
}

// Start once everything above is defined.
await boot({ title: () => t("kiosk.counter.title") });
if (!(await me())) await signIn({ mode: "login" });
await load();
every(3000, () => {
  if (!onOrder) load();
});
