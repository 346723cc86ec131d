// What the advisor's pages share (beside the shell, not a page):
// the desk's own stylesheet, stage and flag chips, times and money in
// form fields, the print buttons of a job's documents, and the live
// watch on the advisor's jobs with the list of notices that stay until
// acknowledged (a finding to approve, an ETA past the promise, a failed
// QC, a car ready).

import { Feed } from "/assets/feed.js";
import { api, command, el, t, notice, problemText, when } from "/assets/staff/app.js";
import { wallTime, fromWallTime } from "/assets/kit/format.js";

// The desk's few extra styles live beside its pages.
if (!document.querySelector("link[data-desk]")) {
  document.head.append(el("link", { rel: "stylesheet", href: "/assets/desk/desk.css", "data-desk": "1" }));
}

export function stageName(stage) {
  return t(`stage.${stage}`);
}

export function stageChip(stage) {
  const tone = { ready: "green", delivered: "green", waiting_parts: "yellow", waiting_approval: "yellow", paused: "yellow", cancelled: "red", reception: "blue", waiting_dispatch: "blue" }[stage] || "";
  return el("span", { class: `flag ${tone}`, "data-stage": stage }, stageName(stage));
}

const flagTone = { key_customer: "blue", waiting_parts: "yellow", waiting_approval: "yellow", rework: "red", at_risk: "yellow", late: "red" };

export function flagChips(flags) {
  return (flags || []).map((f) => el("span", { class: `flag ${flagTone[f] || ""}`, "data-flag": f }, t(`flag.${f}`)));
}

// flagsOf gives a job read from the API (a JobStatus) the board's flags.
export function flagsOf(js) {
  const out = [];
  if (js.key_customer) out.push("key_customer");
  if (js.job.stage === "waiting_parts") out.push("waiting_parts");
  if (js.job.stage === "waiting_approval") out.push("waiting_approval");
  if (js.job.reworks > 0) out.push("rework");
  if (js.progress?.late) out.push("late");
  else if (js.progress?.at_risk) out.push("at_risk");
  return out;
}

// A datetime-local field holds the shop's wall time, without a zone,
// whatever the zone of the PC: localValue writes a moment into one, isoOf
// reads one back.
export { wallTime as localValue, fromWallTime as isoOf };

// Money is typed in yuan and sent in fen.
export function fen(yuan) {
  const v = parseFloat(String(yuan).replace(/[,\s¥]/g, ""));
  return isNaN(v) ? 0 : Math.round(v * 100);
}

export function yuan(minor) {
  return ((minor || 0) / 100).toFixed(2);
}

export function dateTime(iso) {
  if (!iso) return "—";
  return when(iso);
}

let staffNames = null;

// names maps colleagues' ids to their names.
export async function names() {
  if (!staffNames) {
    staffNames = api("GET", "/api/v1/staff").then((list) => {
      const m = new Map();
      for (const u of list) m.set(u.id, u);
      return m;
    });
  }
  return staffNames;
}

// registered finds the vehicle a plate is registered to, with its owner
// (a desk lookup hit), or null. Plates are compared without their
// separators, as the server compares them: 京A12345 is 京A·12345.
export async function registered(plate) {
  const bare = (p) => p.toUpperCase().replace(/[·\s.-]/g, "");
  if (!bare(plate)) return null;
  const hits = await api("GET", "/api/v1/desk/lookup?q=" + encodeURIComponent(plate.trim()));
  return hits.find((h) => h.vehicle && bare(h.vehicle.plate) === bare(plate)) || null;
}

export async function advisors() {
  return [...(await names()).values()].filter((u) => u.roles.includes("advisor"));
}

// The documents of a job, in the order they are printed at reception.
export const documents = [
  { kind: "seat-label", key: "desk.doc.seat_label" },
  { kind: "job-card", key: "desk.doc.job_card" },
  { kind: "estimate", key: "desk.doc.estimate" },
  { kind: "settlement", key: "desk.doc.settlement" },
];

// IPP job states, as the printer reports them.
const jobStates = {
  pending: { key: "desk.print.state_pending" },
  "pending-held": { key: "desk.print.state_held" },
  processing: { key: "desk.print.state_processing" },
  "processing-stopped": { key: "desk.print.state_stopped" },
  completed: { key: "desk.print.state_completed" },
  canceled: { key: "desk.print.state_canceled" },
  aborted: { key: "desk.print.state_aborted" },
};

const reasons = {
  unreachable: () => t("desk.print.unreachable"),
  rejected: () => t("desk.print.rejected"),
  timeout: () => t("desk.print.timeout"),
};

// printPanel lists a job's documents, each with its PDF (for the
// browser's print dialog) and a button that sends it to the shop's
// printer. The printer's answer, or why it failed, shows beside the
// button, which then offers to try again. The settlement of a job not
// yet delivered prints as a draft (the server marks it so), and its row
// and button say that.
export function printPanel(jobId, kinds, stage) {
  const rows = documents
    .filter((d) => kinds.includes(d.kind))
    .map((d) => {
      const draft = d.kind === "settlement" && stage !== "delivered";
      const status = el("span", { class: "print-status muted", "data-kind": d.kind });
      const button = el("button", { type: "button", class: "small", "data-print": d.kind, "data-draft": draft }, draft ? t("desk.print.send_draft") : t("desk.print.send"));
      button.addEventListener("click", async () => {
        button.disabled = true;
        status.className = "print-status muted";
        status.textContent = t("desk.print.sending");
        try {
          const out = await api("POST", `/api/v1/jobs/${encodeURIComponent(jobId)}/print`, { kind: d.kind });
          status.className = "print-status ok";
          const state = jobStates[out.job_state] ? t(jobStates[out.job_state].key) : out.job_state || out.status || "";
          status.textContent = t("desk.print.done", { printer: out.printer, state, id: out.job_id ?? "" });
          button.textContent = draft ? t("desk.print.again_draft") : t("desk.print.again");
        } catch (e) {
          status.className = "print-status bad";
          const why = reasons[e.reason]?.() || "";
          status.textContent = [problemText(e), why].filter(Boolean).join(" — ");
          status.title = e.detail;
          button.textContent = t("desk.print.retry");
        } finally {
          button.disabled = false;
        }
      });
      const href = `/api/v1/jobs/${encodeURIComponent(jobId)}/documents/${d.kind}.pdf`;
      return el("div", { class: draft ? "print-row draft" : "print-row" },
        el("span", { class: "print-name" }, draft ? t("desk.doc.settlement_draft") : t(d.key)),
        el("a", { href, target: "_blank", rel: "noopener", class: "pdf", "data-pdf": d.kind }, t("desk.print.pdf")),
        button, status,
        draft ? el("span", { class: "print-hint" }, t("desk.print.draft_hint")) : null);
    });
  return el("div", { class: "print-panel" }, rows);
}

// watchJobs follows the advisor feed and keeps the person's notices
// (GET /api/v1/notices: a finding to price or approve, a failed QC, a car
// ready, a promise at risk or passed) in a list with a count under the
// header, each until they acknowledge it. The server decides who is told
// what and keeps the acknowledgements, so the list is the same on every
// PC the person signs in at. onModel, when given, receives every model.
export function watchJobs(user, onModel, onStatus) {
  const notices = noticeList();
  const feed = new Feed("advisor", {
    onModel(model) {
      notices.refresh();
      onModel?.(model);
    },
    onStatus,
  });
  feed.start();
  notices.refresh();
  // A promise passes with no change on the feed: look again each minute.
  setInterval(notices.refresh, 60e3);
  return feed;
}

const noticeKeys = {
  finding_to_price: { key: "desk.notice.finding_to_price" },
  finding: { key: "desk.notice.finding" },
  qc_failed: { key: "desk.notice.qc_failed" },
  ready: { key: "desk.notice.ready" },
  at_risk: { key: "desk.notice.at_risk" },
  late: { key: "desk.notice.late" },
  complaint_overdue: { key: "desk.notice.complaint_overdue" },
};
const noticeTone = { finding_to_price: "warn", finding: "warn", qc_failed: "alert", ready: "ok", at_risk: "warn", late: "alert", complaint_overdue: "alert" };

// noticeList draws the notices into #notices as one section with its
// count; refresh asks the server again (one request at a time, once more
// if asked meanwhile).
function noticeList() {
  let busy = false, again = false, off = false;
  async function refresh() {
    if (off) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      draw(await api("GET", "/api/v1/notices"));
    } catch (e) {
      // Someone the desk's notices are not for (403) is not asked again.
      if (e.status === 403) off = true;
    } finally {
      busy = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }
  async function acknowledge(ev, list) {
    ev.target.disabled = true;
    try {
      for (const n of list) {
        try {
          await command({ type: "acknowledge_notice", job_id: n.job_id, key: n.key });
        } catch (e) {
          if (e.code !== "conflict") throw e; // seen already, on another PC
        }
      }
    } catch (e) {
      notice(problemText(e), "alert");
    }
    await refresh();
  }
  function draw(answer) {
    const box = document.getElementById("notices");
    if (!box) return;
    let section = document.getElementById("alerts");
    if (!answer.count) {
      section?.remove();
      document.body.dataset.notices = "0";
      return;
    }
    const rows = answer.notices.map((n) =>
      el("p", { class: `notice ${noticeTone[n.kind] || ""}`, "data-notice": `${n.job_id} ${n.key}`, "data-kind": n.kind },
        el("span", {}, t((noticeKeys[n.kind] || noticeKeys.ready).key, { plate: n.plate }), n.reason ? t("desk.notices.reason", { reason: n.reason }) : "",
          " ", el("span", { class: "muted" }, when(n.at))),
        el("a", { href: `/desk/jobs?job=${encodeURIComponent(n.job_id)}` }, t("desk.notices.open")),
        el("button", { type: "button", class: "small", "data-ack": n.key, onclick: (ev) => acknowledge(ev, [n]) }, t("desk.notices.ack"))));
    const fresh = el("section", { class: "alerts", id: "alerts", "aria-label": t("desk.notices.title") },
      el("div", { class: "alerts-head" },
        el("strong", {}, t("desk.notices.title"), " ", el("span", { class: "count", id: "notice-count" }, String(answer.count))),
        el("span", { class: "grow" }),
        answer.count > 1 ? el("button", { type: "button", class: "small quiet", id: "ack-all", onclick: (ev) => acknowledge(ev, answer.notices) }, t("desk.notices.ack_all")) : null),
      el("div", { class: "alerts-list" }, rows));
    if (section) section.replaceWith(fresh);
    else box.append(fresh);
    document.body.dataset.notices = String(answer.count);
  }
  return { refresh };
}

