// Findings to price (增项报价): the extra work the floor proposed on the
// open jobs, for the advisor to price and send to the customer, and what
// was sent and still awaits the customer's answer, to price again or
// withdraw. The labour is priced at the shop's rate (hours × the
// settings' labour rate) unless the advisor types its price; a part the
// catalogue knows is priced at the catalogue's price, by the server, and
// shown so here; other parts at the price the advisor types. The
// technician's suggested price is shown to the advisor only. The customer
// sees a finding, at this price, once it is sent. ?finding={id} opens on
// one finding. Each finding shows the technician's photos of it, full
// size on a click: the advisor prices what the photo shows.

import { start, api, command, el, t, money, form, notice, problemText } from "/assets/staff/app.js";
import { watchJobs, dateTime, names, fen, yuan } from "/assets/staff/advisor.js";
import { photoThumbs } from "/assets/kit/photos.js";

start("desk", async (main, ctx) => {
  const { settings } = ctx;
  const currency = settings.currency;
  const rate = settings.labour_rate || 0;
  const focus = new URLSearchParams(location.search).get("finding") || "";
  const toPrice = el("section", { class: "card", id: "to-price" });
  const sent = el("section", { class: "card side", id: "sent" });
  main.append(
    el("div", { class: "toolbar" }, el("h1", {}, t("desk.findings.title")), el("span", { class: "grow" }),
      el("span", { class: "muted", id: "labour-rate" }, rate ? t("desk.findings.rate", { rate: money(rate, currency) }) : t("desk.findings.no_rate"))),
    el("div", { class: "split" }, toPrice, sent));

  // cards keeps each finding's form while it is unchanged, so that a
  // change elsewhere does not wipe what the advisor is typing.
  const cards = new Map();
  const catalog = new Map(); // part number → catalogue part, or null
  let who = new Map();
  let signature = "";

  async function refresh() {
    let findings, jobs;
    try {
      [findings, jobs, who] = await Promise.all([api("GET", "/api/v1/findings"), api("GET", "/api/v1/jobs"), names()]);
    } catch (e) {
      toPrice.replaceChildren(el("p", { class: "error" }, problemText(e)));
      return;
    }
    const byJob = new Map(jobs.map((js) => [js.job.id, js]));
    const open = findings.filter((f) => (f.status === "proposed" || f.status === "awaiting") && byJob.has(f.job_id));
    await lookUp(open.flatMap((f) => f.parts.map((p) => p.number)));
    const seen = new Set();
    const cardOf = (f) => {
      const version = `${f.status}|${f.priced_at || ""}`;
      seen.add(f.id);
      const kept = cards.get(f.id);
      // A photo that arrives while the advisor types shows in its place,
      // without drawing the card (and what is typed) again.
      const js = byJob.get(f.job_id);
      if (kept && kept.version === version) {
        showPhotos(kept.node, f, js);
        return kept.node;
      }
      const node = findingCard(f, js);
      showPhotos(node, f, js);
      cards.set(f.id, { version, node });
      return node;
    };
    const proposed = open.filter((f) => f.status === "proposed");
    const awaiting = open.filter((f) => f.status === "awaiting");
    toPrice.replaceChildren(el("h2", {}, t("desk.findings.to_price", { n: proposed.length })),
      proposed.length ? el("div", { class: "stack" }, proposed.map(cardOf)) : el("p", { class: "muted" }, t("desk.findings.none_to_price")));
    sent.replaceChildren(el("h2", {}, t("desk.findings.sent", { n: awaiting.length })),
      awaiting.length ? el("div", { class: "stack" }, awaiting.map(cardOf)) : el("p", { class: "muted" }, t("desk.findings.none_sent")));
    for (const id of [...cards.keys()]) if (!seen.has(id)) cards.delete(id);
  }

  // showPhotos puts a finding's photos still there to show in its card.
  function showPhotos(node, f, js) {
    const slot = node.querySelector(".finding-photos");
    const list = (js.job.photos || []).filter((p) => p.kind === "finding" && p.finding_id === f.id && !p.removed_at && !p.expired_at);
    const ids = list.map((p) => p.id).join(" ");
    if (slot.dataset.ids === ids) return;
    slot.dataset.ids = ids;
    const src = (p, thumb) => `/api/v1/jobs/${encodeURIComponent(f.job_id)}/photos/${encodeURIComponent(p.id)}${thumb ? "?thumb=1" : ""}`;
    slot.replaceChildren(list.length ? photoThumbs(list, src) : "");
  }

  async function lookUp(numbers) {
    const unknown = [...new Set(numbers.filter((n) => n && !catalog.has(n)))];
    await Promise.all(unknown.map(async (n) => {
      const page = await api("GET", `/api/v1/catalog-parts?q=${encodeURIComponent(n)}&limit=1`);
      catalog.set(n, page.items.find((p) => p.number === n) || null);
    }));
  }

  function findingCard(f, js) {
    const parts = f.parts.map((p) => ({ ...p }));
    const hours = el("input", { name: "hours", type: "number", min: 0, max: 200, step: "0.1", inputmode: "decimal", value: String(f.hours) });
    const labour = el("input", { name: "labour_price", type: "number", min: 0, step: "0.01", inputmode: "decimal",
      value: f.priced_at ? yuan(f.labour_price) : "" });
    const partsBody = el("tbody");
    const total = el("strong", { class: "finding-total" });
    const labourHint = el("span", { class: "muted" });
    let send = false;

    const labourOf = () => {
      if (labour.value.trim() !== "") return fen(labour.value);
      return Math.round((parseFloat(hours.value) || 0) * rate);
    };
    const priceOf = (p) => (catalog.get(p.number)?.unit_price ?? p.unit_price);
    const redraw = () => {
      labour.placeholder = rate ? t("desk.findings.at_rate", { price: yuan(Math.round((parseFloat(hours.value) || 0) * rate)) }) : t("desk.findings.labour_by_hand");
      labourHint.textContent = labour.value.trim() === "" && rate ? t("desk.findings.labour_at_rate") : "";
      partsBody.replaceChildren(...parts.map((p, i) => {
        const known = catalog.get(p.number);
        const qty = el("input", { name: `parts[${i}].quantity`, type: "number", min: "0.1", step: "any", value: String(p.quantity) });
        qty.addEventListener("input", () => { p.quantity = parseFloat(qty.value) || 0; sum(); });
        const unit = known
          ? el("span", { class: "muted", title: t("desk.findings.catalogue_price") }, money(known.unit_price, currency), " ", t("desk.findings.catalogue"))
          : el("input", { name: `parts[${i}].unit_price`, type: "number", min: 0, step: "0.01", value: yuan(p.unit_price) });
        if (!known) unit.addEventListener("input", () => { p.unit_price = fen(unit.value); sum(); });
        const remove = el("button", { type: "button", class: "small", onclick: () => { parts.splice(i, 1); redraw(); } }, t("desk.findings.remove_part"));
        return el("tr", { "data-part": p.number || p.name },
          el("td", {}, p.name, p.number ? el("div", { class: "muted" }, p.number) : null),
          el("td", { class: "qty" }, qty), el("td", { class: "money" }, unit), el("td", {}, remove));
      }));
      sum();
    };
    const sum = () => {
      const price = labourOf() + parts.reduce((s, p) => s + Math.round(p.quantity * priceOf(p)), 0);
      total.textContent = money(price, currency);
    };
    hours.addEventListener("input", redraw);
    labour.addEventListener("input", redraw);

    // A part added by the advisor: from the catalogue by its number, or
    // typed with its price.
    const addNumber = el("input", { name: "add_number", placeholder: t("desk.findings.part_number"), autocomplete: "off" });
    const addName = el("input", { name: "add_name", placeholder: t("desk.findings.part_name"), autocomplete: "off" });
    const addQty = el("input", { name: "add_quantity", type: "number", min: "0.1", step: "any", value: "1" });
    const addPrice = el("input", { name: "add_unit_price", type: "number", min: 0, step: "0.01", placeholder: t("desk.findings.unit_price") });
    const add = el("button", {
      type: "button", class: "small", onclick: async () => {
        const number = addNumber.value.trim();
        if (number) await lookUp([number]);
        const known = number ? catalog.get(number) : null;
        const name = addName.value.trim() || known?.name || "";
        if (!name) {
          addName.focus();
          return;
        }
        parts.push({ number, name, quantity: parseFloat(addQty.value) || 1, unit_price: known ? known.unit_price : fen(addPrice.value) });
        addNumber.value = addName.value = addPrice.value = "";
        addQty.value = "1";
        redraw();
      },
    }, t("desk.findings.add_part"));

    const saveButton = el("button", { type: "submit", class: "small", name: "save", onclick: () => (send = false) }, t("desk.findings.save"));
    const sendButton = el("button", { type: "submit", class: "primary", name: "send", onclick: () => (send = true) },
      f.status === "awaiting" ? t("desk.findings.send_again") : t("desk.findings.send"));
    const withdrawState = el("span", { class: "muted" });
    const withdraw = el("button", {
      type: "button", class: "small", name: "withdraw", onclick: async (ev) => {
        const reason = prompt(t("desk.findings.withdraw_reason"));
        if (!reason || !reason.trim()) return;
        ev.target.disabled = true;
        try {
          await command({ type: "withdraw_finding", finding_id: f.id, reason: reason.trim() });
          notice(t("desk.findings.withdrawn", { plate: js.plate }), "ok");
          await refresh();
        } catch (e) {
          withdrawState.textContent = problemText(e);
          withdrawState.className = "field-error";
          ev.target.disabled = false;
        }
      },
    }, t("desk.findings.withdraw"));

    const reporter = who.get(f.reported_by)?.name || f.reported_by;
    const card = el("form", { class: "card finding", "data-finding": f.id, "data-status": f.status, novalidate: true },
      el("div", { class: "toolbar" },
        el("strong", { class: "plate" }, js.plate), el("span", { class: "muted" }, js.model), el("span", {}, js.customer),
        el("span", { class: "grow" }),
        el("a", { href: `/desk/jobs?job=${encodeURIComponent(f.job_id)}` }, f.job_id)),
      el("p", {}, el("strong", { class: "finding-what" }, f.description)),
      f.why ? el("p", { class: "muted pre" }, t("desk.findings.why", { why: f.why })) : null,
      el("div", { class: "finding-photos" }),
      el("p", { class: "muted" }, t("desk.findings.reported", { who: reporter, time: dateTime(f.reported_at) })),
      f.suggested_price ? el("p", { class: "hint suggested" }, t("desk.findings.suggested", { price: money(f.suggested_price, currency) })) : null,
      f.status === "awaiting" ? el("p", { class: "hint" }, t("desk.findings.sent_at", { time: dateTime(f.sent_at), price: money(f.price, currency) })) : null,
      el("div", { class: "grid3" },
        el("label", {}, el("span", {}, t("desk.findings.hours")), hours),
        el("label", { class: "span2" }, el("span", {}, t("desk.findings.labour_price")), labour, labourHint)),
      el("table", { class: "table compact" },
        el("thead", {}, el("tr", {}, el("th", {}, t("desk.findings.part")), el("th", {}, t("desk.findings.quantity")),
          el("th", {}, t("desk.findings.unit_price")), el("th", {}))),
        partsBody),
      el("div", { class: "toolbar" }, addNumber, addName, addQty, addPrice, add),
      el("div", { class: "total-line" }, el("span", {}, t("desk.findings.total")), total),
      el("div", { class: "toolbar" }, saveButton, sendButton, el("span", { class: "grow" }), withdraw, withdrawState));
    redraw();

    form(card, (key) => {
      const c = { type: "price_finding", finding_id: f.id, hours: parseFloat(hours.value) || 0, send,
        parts: parts.map((p) => ({ number: p.number || undefined, name: p.name, quantity: p.quantity, unit_price: priceOf(p) })) };
      if (labour.value.trim() !== "") c.labour_price = fen(labour.value);
      return command(c, key);
    }, async () => {
      notice(send ? t("desk.findings.sent_notice", { plate: js.plate }) : t("desk.findings.saved_notice", { plate: js.plate }), "ok");
      await refresh();
    });
    return card;
  }

  // The advisor feed says when a finding is proposed, sent or decided on a
  // job: the lists follow it.
  watchJobs(ctx.user, (model) => {
    const next = (model.lists.jobs || []).map((j) => `${j.id}:${j.findings_to_price || 0}:${j.findings_awaiting || 0}`).join(",");
    if (next !== signature) {
      signature = next;
      refresh();
    }
  });
  await refresh();
  if (focus) document.querySelector(`[data-finding="${CSS.escape(focus)}"]`)?.scrollIntoView({ block: "center" });
});
