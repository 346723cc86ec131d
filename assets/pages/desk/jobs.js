// The advisor's live job list (在修工单): every open job from the advisor
// feed, whose it is, where it stands, the promise against the live ETA,
// and its flags; a search by plate and a few filters. Choosing a job (a
// click, or Enter on its row; ↑/↓ move) shows its detail and history:
// findings to approve on the customer's behalf when they call, the
// customer's link to revoke, and the print buttons of its documents.
// The job's photos show by kind (the walk-around by position, the work
// done; a finding's beside the finding), full size on a click; one taken
// by mistake is removed with a reason, and the history keeps that it was.
// ?job={id} opens one job.

import { start, api, command, el, t, money, notice, problemText, ApiError } from "/assets/staff/app.js";
import { watchJobs, stageChip, flagChips, dateTime, names, printPanel } from "/assets/staff/advisor.js";
import { revisionsPanel } from "/assets/staff/revisions.js";
import { photoQueue, photoThumbs, positionName, POSITIONS } from "/assets/kit/photos.js";

const filters = [
  { id: "mine", key: "desk.jobs.filter_mine", test: (j, u) => j.advisor_id === u.id },
  { id: "all", key: "desk.jobs.filter_all", test: () => true },
  { id: "attention", key: "desk.jobs.filter_attention", test: (j) => j.findings_awaiting > 0 || j.findings_to_price > 0 || j.flags.includes("at_risk") || j.flags.includes("late") },
  { id: "ready", key: "desk.jobs.filter_ready", test: (j) => j.stage === "ready" },
];

// History events named in the catalogs; others show their type.
const eventKeys = {
  open_job: { key: "desk.event.open_job" },
  update_estimate: { key: "desk.event.update_estimate" },
  submit: { key: "desk.event.submit" },
  dispatch: { key: "desk.event.dispatch" },
  undispatch: { key: "desk.event.undispatch" },
  clock_on: { key: "desk.event.clock_on" },
  clock_off: { key: "desk.event.clock_off" },
  pause: { key: "desk.event.pause" },
  resume: { key: "desk.event.resume" },
  finish: { key: "desk.event.finish" },
  qc: { key: "desk.event.qc" },
  wash_done: { key: "desk.event.wash_done" },
  start_wash: { key: "desk.event.start_wash" },
  deliver: { key: "desk.event.deliver" },
  cancel: { key: "desk.event.cancel" },
  request_parts: { key: "desk.event.request_parts" },
  update_parts: { key: "desk.event.update_parts" },
  report_finding: { key: "desk.event.report_finding" },
  attach_photo: { key: "desk.event.attach_photo" },
  remove_photo: { key: "desk.event.remove_photo" },
  expire_photos: { key: "desk.event.expire_photos" },
  price_finding: { key: "desk.event.price_finding" },
  decide_finding: { key: "desk.event.decide_finding" },
  withdraw_finding: { key: "desk.event.withdraw_finding" },
  record_followup: { key: "desk.event.record_followup" },
  close_complaint: { key: "desk.event.close_complaint" },
  answer_survey: { key: "desk.event.answer_survey" },
  assign_complaint: { key: "desk.event.assign_complaint" },
  revoke_customer_link: { key: "desk.event.revoke_customer_link" },
  agree_promise: { key: "desk.event.agree_promise" },
  reopen_comeback: { key: "desk.event.reopen_comeback" },
  acknowledge_notice: { key: "desk.event.acknowledge_notice" },
};

start("desk", async (main, ctx) => {
  const user = ctx.user;
  const isAdvisor = user.roles.includes("advisor");
  let filter = isAdvisor ? "mine" : "all";
  let selected = new URLSearchParams(location.search).get("job") || "";
  let rows = [];

  const search = el("input", { type: "search", name: "plate", "data-i18n-placeholder": "desk.jobs.search", placeholder: t("desk.jobs.search"), "aria-label": t("desk.jobs.search"), autocomplete: "off" });
  const link = el("span", { class: "muted link-state" }, t("desk.link.connecting"));
  const buttons = filters.map((f) => el("button", { type: "button", class: "small", "data-filter": f.id, onclick: () => { filter = f.id; draw(); } }, t(f.key)));
  const body = el("tbody");
  const count = el("span", { class: "muted" });
  const detail = el("section", { class: "card side", id: "detail", "aria-live": "polite" }, el("p", { class: "muted" }, t("desk.jobs.pick")));

  main.append(
    el("div", { class: "toolbar" }, el("h1", {}, t("desk.jobs.title")), count, el("span", { class: "grow" }), search, ...buttons, link),
    el("div", { class: "split" },
      el("section", { class: "scroll" },
        el("table", { class: "table compact", id: "jobs" },
          el("thead", {}, el("tr", {},
            el("th", {}, t("desk.col.plate")), el("th", {}, t("desk.col.customer")), el("th", {}, t("desk.col.stage")),
            el("th", {}, t("desk.col.advisor")), el("th", { class: "num" }, t("desk.col.promised")), el("th", { class: "num" }, t("desk.col.eta")),
            el("th", {}, t("desk.col.flags")))),
          body)),
      detail));

  search.addEventListener("input", draw);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "/" && document.activeElement?.tagName !== "INPUT" && document.activeElement?.tagName !== "TEXTAREA") {
      ev.preventDefault();
      search.focus();
    }
  });

  function visible() {
    const q = search.value.replace(/[\s·.-]/g, "").toUpperCase();
    const f = filters.find((x) => x.id === filter);
    return rows.filter((j) => f.test(j, user) && (!q || j.plate.replace(/[\s·.-]/g, "").toUpperCase().includes(q)));
  }

  function draw() {
    buttons.forEach((b) => b.classList.toggle("primary", b.dataset.filter === filter));
    const list = visible();
    count.textContent = t("desk.jobs.count", { n: list.length });
    body.replaceChildren(...list.map((j) => {
      const eta = el("td", { class: "num " + (j.flags.includes("late") ? "late-text" : j.flags.includes("at_risk") ? "risk-text" : "") }, dateTime(j.eta));
      const waits = [];
      if (j.findings_to_price) waits.push(el("span", { class: "flag yellow" }, t("desk.jobs.to_price", { n: j.findings_to_price })));
      if (j.findings_awaiting) waits.push(el("span", { class: "flag yellow" }, t("desk.jobs.findings", { n: j.findings_awaiting })));
      const tr = el("tr", { tabindex: 0, "data-job": j.id, class: j.id === selected ? "selected" : "" },
        el("td", { class: "plate" }, j.plate, el("div", { class: "muted" }, j.model)),
        el("td", {}, j.customer),
        el("td", {}, stageChip(j.stage), j.bay ? el("div", { class: "muted" }, j.bay) : null),
        el("td", {}, j.advisor),
        el("td", { class: "num" }, dateTime(j.promised_at)),
        eta,
        el("td", {}, flagChips(j.flags), waits));
      tr.addEventListener("click", () => select(j.id));
      tr.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter") select(j.id);
        if (ev.key === "ArrowDown") { ev.preventDefault(); tr.nextElementSibling?.focus(); }
        if (ev.key === "ArrowUp") { ev.preventDefault(); tr.previousElementSibling?.focus(); }
      });
      return tr;
    }));
    if (!list.length) body.append(el("tr", {}, el("td", { colspan: 7, class: "empty" }, t("desk.jobs.none"))));
  }

  function select(id) {
    selected = id;
    history.replaceState(null, "", `?job=${encodeURIComponent(id)}`);
    body.querySelectorAll("tr").forEach((tr) => tr.classList.toggle("selected", tr.dataset.job === id));
    showJob(id);
  }

  async function showJob(id) {
    let job, events, who;
    try {
      [job, events, who] = await Promise.all([
        api("GET", `/api/v1/jobs/${encodeURIComponent(id)}`),
        api("GET", `/api/v1/jobs/${encodeURIComponent(id)}/history`),
        names(),
      ]);
    } catch (e) {
      detail.replaceChildren(el("p", { class: "error" }, problemText(e)));
      return;
    }
    if (id !== selected) return;
    // Photos of this job still waiting in this browser (taken at
    // reception, then the page left before they were sent) go up from
    // here, shown on their way at the job's photos.
    const uploads = photoQueue(id, {
      explain: (status, p) => new ApiError(status, p).message,
      onStored: () => {
        if (selected === id) showJob(id);
      },
    });
    detail.replaceChildren(...jobDetail(job, events, who, ctx.settings.currency, ctx.may, uploads.view, (out) => {
      // A comeback opens its new job; any other change shows this one again.
      const next = out?.event?.type === "reopen_comeback" ? out.event.job_id : id;
      if (next !== id) select(next);
      else showJob(id);
    }));
  }

  watchJobs(user, (model) => {
    const before = rows.find((r) => r.id === selected);
    rows = model.lists.jobs || [];
    draw();
    const now = rows.find((r) => r.id === selected);
    // The open job's detail follows its changes, unless the advisor is
    // filling in a change to it (it shows again once that is sent).
    if (selected && now && before && JSON.stringify(now) !== JSON.stringify(before) && !detail.querySelector("#job-action form, form.photo-removing")) showJob(selected);
  }, (status) => {
    link.textContent = status === "online" ? t("desk.link.online") : t("desk.link.offline");
    link.className = status === "online" ? "muted link-state" : "late-text link-state";
  });
  if (selected) showJob(selected);
});

function jobDetail(d, events, who, currency, may, uploads, reload) {
  const j = d.job;
  const out = [];
  const pictures = jobPhotos(j, may.includes("remove_photo"), uploads, reload);
  out.push(el("div", { class: "toolbar", "data-job": j.id },
    el("h2", { class: "plate" }, d.plate), el("span", { class: "muted" }, d.model), stageChip(j.stage),
    flagChips(d.key_customer ? ["key_customer"] : [])));
  if (d.rework) out.push(reworkBanner(d.rework, who));
  out.push(el("dl", { class: "facts" },
    el("dt", {}, t("desk.col.job")), el("dd", {}, j.id),
    el("dt", {}, t("desk.col.customer")), el("dd", {}, d.customer, " ", el("a", { href: `tel:${d.phone}` }, d.phone)),
    el("dt", {}, t("desk.col.advisor")), el("dd", {}, d.advisor),
    el("dt", {}, t("desk.col.bay")), el("dd", {}, [d.bay, d.team, (d.techs || []).join(" ")].filter(Boolean).join(" · ") || "—"),
    el("dt", {}, t("desk.col.promised")), el("dd", {}, dateTime(j.promised_at)),
    el("dt", {}, t("desk.col.eta")), el("dd", { class: d.progress.late ? "late-text" : d.progress.at_risk ? "risk-text" : "" }, dateTime(d.progress.eta)),
    el("dt", {}, t("desk.col.hours")), el("dd", {}, t("desk.jobs.hours", { clocked: d.progress.clocked_hours.toFixed(1), sold: d.progress.sold_hours.toFixed(1) })),
    el("dt", {}, t("desk.col.requests")), el("dd", { class: "pre" }, j.requests)));

  // Proposed extra work is priced and sent on its own page.
  for (const f of d.findings.filter((f) => f.status === "proposed")) {
    out.push(el("p", {}, el("a", { href: `/desk/findings?finding=${encodeURIComponent(f.id)}`, "data-price": f.id }, t("desk.jobs.price_findings")), " · ", f.description));
  }
  const awaiting = d.findings.filter((f) => f.status === "awaiting");
  if (awaiting.length) {
    out.push(el("h2", {}, t("desk.jobs.awaiting")));
    for (const f of awaiting) {
      const status = el("span", { class: "muted" });
      const decide = (approve) => async (ev) => {
        ev.target.disabled = true;
        try {
          await command({ type: "decide_finding", finding_id: f.id, approve, via: "phone" });
          notice(approve ? t("desk.jobs.approved", { plate: d.plate }) : t("desk.jobs.declined", { plate: d.plate }), "ok");
          reload();
        } catch (e) {
          status.textContent = problemText(e);
          status.className = "field-error";
          ev.target.disabled = false;
        }
      };
      out.push(el("div", { class: "card", "data-finding": f.id },
        el("strong", {}, f.description), " ", el("span", { class: "muted" }, t("desk.jobs.finding_cost", { hours: f.hours, price: money(f.price, currency) })),
        pictures.finding(f.id),
        el("div", { class: "toolbar" },
          el("button", { type: "button", class: "primary small", "data-approve": f.id, onclick: decide(true) }, t("desk.jobs.approve_phone")),
          el("button", { type: "button", class: "small", "data-decline": f.id, onclick: decide(false) }, t("desk.jobs.decline_phone")),
          status)));
    }
  }

  out.push(...pictures.section(d.findings.filter((f) => f.status !== "awaiting")));

  out.push(el("h2", {}, t("desk.jobs.lines")));
  const lines = [
    ...j.labour.map((l) => el("tr", {}, el("td", {}, l.name), el("td", { class: "num" }, l.sold_hours), el("td", { class: "num" }, money(l.price, currency)))),
    ...j.parts.map((p) => el("tr", {}, el("td", {}, p.name, p.number ? el("span", { class: "muted" }, " ", p.number) : null), el("td", { class: "num" }, "×", p.quantity), el("td", { class: "num" }, money(Math.round(p.quantity * p.unit_price), currency)))),
  ];
  const total = j.labour.reduce((s, l) => s + l.price, 0) + j.parts.reduce((s, p) => s + Math.round(p.quantity * p.unit_price), 0);
  out.push(el("table", { class: "table compact" }, el("tbody", {}, lines),
    el("tfoot", {}, el("tr", {}, el("td", { colspan: 2 }, t("desk.total")), el("td", { class: "num" }, money(total, currency))))));

  out.push(...revisionsPanel(d, who, currency, reload));

  out.push(...teamCheckPanel(d, who));

  const open = d.parts_requests.filter((p) => ["requested", "picked", "on_order"].includes(p.status));
  if (open.length) {
    out.push(el("h2", {}, t("desk.jobs.parts")));
    out.push(el("ul", {}, open.map((p) => el("li", {}, p.description, " ×", p.quantity, " · ", t(`parts.${p.status}`), p.eta ? " · " + dateTime(p.eta) : ""))));
  }

  out.push(el("h2", {}, t("desk.jobs.print")));
  const kinds = ["seat-label", "job-card", "estimate"];
  if (j.stage === "ready" || j.stage === "delivered") kinds.push("settlement");
  out.push(printPanel(j.id, kinds, j.stage));

  const revokeState = el("span", { class: "muted" });
  out.push(el("div", { class: "toolbar" },
    el("button", {
      type: "button", class: "small", id: "revoke", onclick: async (ev) => {
        if (!confirm(t("desk.jobs.revoke_confirm"))) return;
        ev.target.disabled = true;
        try {
          await command({ type: "revoke_customer_link", job_id: j.id });
          revokeState.textContent = t("desk.jobs.revoked");
        } catch (e) {
          revokeState.textContent = problemText(e);
        } finally {
          ev.target.disabled = false;
        }
      },
    }, t("desk.jobs.revoke")), revokeState));

  out.push(el("h2", {}, t("desk.jobs.history")));
  out.push(el("ol", { class: "history" }, [...events].reverse().map((ev) => {
    const named = eventKeys[ev.type];
    const actor = who.get(ev.actor)?.name || (ev.actor === "customer" ? t("desk.jobs.by_customer") : ev.actor);
    if (ev.type === "qc" && ev.data) return inspectionLine(ev, actor);
    return el("li", {}, el("span", { class: "muted" }, dateTime(ev.at)), " ", named ? t(named.key) : ev.type, " · ", actor);
  })));
  return out;
}

// jobPhotos draws a job's photos still there to show: finding(id) a
// finding's, section(findings) the walk-around by position, the other
// findings' and the work's, after the photos on their way (uploads).
// With removable, each photo has a button that asks why and removes it.
function jobPhotos(j, removable, uploads, reload) {
  const shown = (j.photos || []).filter((p) => !p.removed_at && !p.expired_at);
  const src = (p, thumb) => `/api/v1/jobs/${encodeURIComponent(j.id)}/photos/${encodeURIComponent(p.id)}${thumb ? "?thumb=1" : ""}`;
  const strip = (list, label) => {
    const box = el("div", { class: "photo-group" });
    box.append(photoThumbs(list, src, { label, remove: removable ? (p) => askWhy(box, p) : null }));
    return box;
  };
  // askWhy asks, under the photos, why one is removed: the history keeps
  // the reason with who removed it.
  const askWhy = (box, p) => {
    box.querySelector("form.photo-removing")?.remove();
    const why = el("input", { name: "reason", "data-field": "reason", class: "grow", required: true, maxlength: 300,
      placeholder: t("desk.photos.remove_reason"), "aria-label": t("desk.photos.remove_reason") });
    const state = el("span", { class: "muted" });
    const f = el("form", { class: "toolbar photo-removing", "data-removing": p.id, novalidate: true },
      el("img", { src: src(p, true), alt: "", class: "photo-mini" }), why,
      el("button", { type: "submit", class: "small danger" }, t("desk.photos.remove")),
      el("button", { type: "button", class: "small quiet", onclick: () => f.remove() }, t("desk.cancel")), state);
    f.onsubmit = async (ev) => {
      ev.preventDefault();
      if (!why.value.trim()) {
        state.textContent = t("desk.photos.reason_needed");
        state.className = "field-error";
        why.focus();
        return;
      }
      f.querySelectorAll("button").forEach((b) => (b.disabled = true));
      try {
        await command({ type: "remove_photo", job_id: j.id, photo_id: p.id, reason: why.value.trim() });
        notice(t("desk.photos.removed"), "ok");
        reload();
      } catch (e) {
        state.textContent = problemText(e);
        state.className = "field-error";
        f.querySelectorAll("button").forEach((b) => (b.disabled = false));
      }
    };
    box.append(f);
    why.focus();
  };
  const ofKind = (kind) => shown.filter((p) => p.kind === kind);
  return {
    finding(id) {
      const list = shown.filter((p) => p.kind === "finding" && p.finding_id === id);
      return list.length ? strip(list) : null;
    },
    section(findings) {
      const around = ofKind("walk_around").sort((a, b) => positionOrder(a) - positionOrder(b));
      const work = ofKind("work");
      const found = findings.map((f) => ({ f, list: shown.filter((p) => p.kind === "finding" && p.finding_id === f.id) })).filter((x) => x.list.length);
      if (!around.length && !work.length && !found.length) return [uploads];
      const box = el("section", { class: "job-photos", id: "job-photos" }, el("h2", {}, t("desk.photos.title")), uploads);
      if (around.length) box.append(el("h3", {}, t("desk.photos.walk_around")), strip(around, (p) => [positionName(p.position), p.caption].filter(Boolean).join(" · ")));
      for (const { f, list } of found) box.append(el("h3", { "data-finding-photos": f.id }, t("desk.photos.finding", { what: f.description })), strip(list));
      if (work.length) box.append(el("h3", {}, t("desk.photos.work")), strip(work));
      return [box];
    },
  };
}

function positionOrder(p) {
  const i = POSITIONS.indexOf(p.position);
  return i < 0 ? POSITIONS.length : i;
}

// teamCheckPanel is what the team leader wrote at the team check for the
// advisor: the notes (注意事项) and the work recommended for a later visit
// (维修建议), which the car's history offers at its next visit.
function teamCheckPanel(d, who) {
  const tc = d.team_check || {};
  const notes = tc.check?.notes;
  const recs = tc.recommendations || [];
  if (!notes && !recs.length) return [];
  const name = (id) => who.get(id)?.name || id;
  return [
    el("h2", {}, t("desk.jobs.team_check")),
    el("section", { class: "card", id: "team-check" },
      notes ? el("p", {}, el("strong", {}, t("desk.jobs.team_notes")), " ", el("span", { class: "pre team-notes" }, notes),
        el("span", { class: "muted" }, " · ", name(tc.check.by))) : null,
      recs.length ? el("p", {}, el("strong", {}, t("desk.jobs.recommended"))) : null,
      recs.length ? el("ul", { class: "recommended" }, recs.map((r) => el("li", { "data-recommendation": r.id },
        r.safety ? el("span", { class: "flag red" }, t("history.safety")) : null, " ", r.description,
        el("span", { class: "muted" }, " · ", name(r.recorded_by))))) : null),
  ];
}

// inspectionLine says what a check found: which check, passed or failed,
// who made it and when, and on a failure why (the reason the job went
// back as rework).
function inspectionLine(ev, actor) {
  const d = ev.data;
  const step = d.step === "final" ? t("desk.event.qc_final") : t("desk.event.qc_team");
  const verdict = d.pass ? t("desk.event.qc_passed") : t("desk.event.qc_failed");
  return el("li", { class: `qc-event ${d.pass ? "qc-pass" : "qc-fail"}`, "data-qc": d.pass ? "pass" : "fail" },
    el("span", { class: "muted" }, dateTime(ev.at)), " ", step, " ", el("strong", { class: "qc-verdict" }, verdict), " · ", actor,
    !d.pass && d.reason ? el("div", { class: "qc-reason" }, t("desk.event.qc_reason", { reason: d.reason })) : null);
}

// reworkBanner says why the job is worked again, as the technician's page
// does: the check it failed, who failed it and why, or the first job of
// the repair the car came back for.
function reworkBanner(r, who) {
  const failed = r.failed;
  return el("div", { class: "rework-banner", id: "rework" },
    el("strong", {}, t("desk.jobs.rework")), " ",
    failed
      ? [failed.step === "final" ? t("desk.event.qc_final") : t("desk.event.qc_team"), " ", t("desk.event.qc_failed"), " · ", who.get(failed.by)?.name || failed.by,
        el("div", { class: "qc-reason" }, t("desk.event.qc_reason", { reason: failed.reason }))]
      : t("desk.jobs.comeback_of", { job: r.comeback_of }));
}
