// The customer's own page (/c/{token}), from the QR code on their copy of
// the estimate: their car only — where it is in the shop, the promised
// time and live ETA, their advisor, and any extra work awaiting their
// decision, with its price, to approve or decline. No account: the link
// is the key, and the server checked it before sending this page.
// Each finding shows its photos beside its description and price (the
// worn pad, not only a line of text), full size on a tap; the photos of
// the car at reception and of the work done have their own section. The
// page shows only the photos the server sends it: this customer's, of
// what they may see.
// Once the car is delivered, and until the link ends, the page asks the
// follow-up survey: satisfaction 1–5 with the work, the explanation of the
// charges, the wash (only when the car was washed) and the advisor; would
// they recommend us (0–10); a comment. It is answered once; the page then
// shows the answers, with thanks.

import { boot, show, api, t, el, plate, when, money, button, notice, failed, tokenOf, every } from "./kiosk.js";
import { photoThumbs, positionName } from "../kit/photos.js";

const token = tokenOf();
const base = `/api/v1/customer/${encodeURIComponent(token)}`;
// confirming is the finding whose decision waits for a second tap.
let confirming = null;
// photos are the job's photos the customer may see, from the last answer.
let photos = [];
// answers are the survey's answers being chosen, kept across redraws;
// the page does not refresh itself once the customer has started.
const answers = {};
let answering = false;
const SCORES = ["work", "charges", "wash", "advisor"];
const COMMENT_MAX = 1000;

function photoSrc(p, thumb) {
  return `${base}/photos/${encodeURIComponent(p.id)}${thumb ? "?thumb=1" : ""}`;
}

function photosOf(kind, findingID) {
  return photos.filter((p) => p.kind === kind && !p.removed_at && !p.expired_at && (!findingID || p.finding_id === findingID));
}

function findingPhotos(f) {
  const list = photosOf("finding", f.id);
  return list.length ? photoThumbs(list, photoSrc, { label: () => "" }) : null;
}

// carPhotos are the photos of the car at reception (by position) and of
// the work done.
function carPhotos() {
  const around = photosOf("walk_around");
  const work = photosOf("work");
  if (!around.length && !work.length) return null;
  return el("section", { class: "card car-photos", id: "car-photos" }, el("h2", { text: t("kiosk.customer.photos") }),
    around.length ? [el("h3", { text: t("kiosk.customer.photos_reception") }), photoThumbs(around, photoSrc, { label: (p) => positionName(p.position) })] : null,
    work.length ? [el("h3", { text: t("kiosk.customer.photos_work") }), photoThumbs(work, photoSrc)] : null);
}

async function load() {
  const res = await api("GET", base);
  if (!res.ok) {
    if (res.status === 403) location.reload(); // the server explains on the page
    else failed(res);
    return;
  }
  draw(res.data);
}

// The steps a customer follows; a paused repair is still "in repair",
// said with the reason.
const STEPS = ["reception", "dispatched", "in_progress", "quality_check", "washing", "ready", "delivered"];

function stepOf(stage) {
  switch (stage) {
    case "waiting_dispatch":
      return "reception";
    case "waiting_parts":
    case "waiting_approval":
    case "paused":
      return "in_progress";
    default:
      return stage;
  }
}

function stepName(step) {
  switch (step) {
    case "reception":
      return t("kiosk.customer.step_reception");
    case "dispatched":
      return t("kiosk.customer.step_dispatched");
    case "in_progress":
      return t("kiosk.customer.step_repair");
    case "quality_check":
      return t("kiosk.customer.step_check");
    case "washing":
      return t("kiosk.customer.step_wash");
    case "ready":
      return t("kiosk.customer.step_ready");
    default:
      return t("kiosk.customer.step_delivered");
  }
}

function statusLine(stage) {
  switch (stage) {
    case "waiting_parts":
      return t("kiosk.customer.now_parts");
    case "waiting_approval":
      return t("kiosk.customer.now_approval");
    case "paused":
      return t("kiosk.customer.now_paused");
    case "ready":
      return t("kiosk.customer.now_ready");
    case "delivered":
      return t("kiosk.customer.now_delivered");
    case "cancelled":
      return t("kiosk.customer.now_cancelled");
    default:
      return stepName(stepOf(stage));
  }
}

function timeline(v) {
  const entered = {};
  for (const c of v.timeline) {
    const step = stepOf(c.stage);
    if (!entered[step]) entered[step] = c.at;
  }
  const now = stepOf(v.stage);
  const steps = STEPS.filter((s) => s !== "washing" || entered.washing || v.stage === "washing");
  const at = steps.indexOf(now);
  return el("ol", { class: "timeline" }, steps.map((s, i) =>
    el("li", { class: i < at ? "done" : i === at ? "now" : "" },
      el("span", { class: "dot" }),
      el("span", { class: "grow", text: stepName(s) }),
      el("span", { class: "muted", text: i <= at ? when(entered[s]) : "" }))));
}

function draw(v) {
  document.getElementById("shop").textContent = v.shop_name;
  photos = v.photos || [];
  const awaiting = v.findings.filter((f) => f.status === "awaiting");
  const decided = v.findings.filter((f) => f.status !== "awaiting");
  show(
    el("section", { class: "card car" },
      el("div", { class: "job-top" }, plate(v.plate, "plate"), el("span", { class: "badge", text: statusLine(v.stage) })),
      el("div", { class: "job-line" }, el("span", { text: v.model }), el("span", { class: "muted", text: v.job_id })),
      el("div", { class: "eta-box" },
        el("div", {}, el("small", { text: t("kiosk.customer.promised") }), el("b", { text: when(v.promised_at) })),
        el("div", { class: v.late ? "late" : "" }, el("small", { text: t("kiosk.customer.eta") }), el("b", { text: v.stage === "ready" || v.stage === "delivered" ? "✓" : when(v.eta) }))),
    ),
    survey(v),
    awaiting.length ? el("section", { class: "findings" }, el("h2", { text: t("kiosk.customer.decide", { n: awaiting.length }) }), awaiting.map((f) => findingCard(f, v.currency))) : null,
    el("section", { class: "card" }, el("h2", { text: t("kiosk.customer.progress") }), timeline(v)),
    decided.length ? el("section", { class: "card list" }, el("h2", { text: t("kiosk.customer.decided") }), el("ul", {}, decided.map((f) =>
      el("li", { class: `finding finding-${f.status}` },
        el("span", { class: "grow", text: f.description }),
        el("span", { text: money(f.price, v.currency) }),
        el("span", { class: "status", text: f.status === "approved" ? t("kiosk.finding.approved") : t("kiosk.finding.declined") }),
        photosOf("finding", f.id).length ? el("div", { class: "finding-photos" }, findingPhotos(f)) : null))))
      : null,
    carPhotos(),
    el("section", { class: "card advisor" },
      el("h2", { text: t("kiosk.customer.advisor") }),
      el("p", { class: "advisor-name", text: v.advisor }),
      v.advisor_phone ? el("a", { class: "big button", href: `tel:${v.advisor_phone}`, text: t("kiosk.customer.call", { phone: v.advisor_phone }) }) : null,
      v.shop_phone ? el("p", { class: "hint", text: t("kiosk.customer.shop_phone", { phone: v.shop_phone }) }) : null),
  );
}

function findingCard(f, currency) {
  const card = el("article", { class: "card finding-card", "data-finding": f.id },
    el("h3", { text: f.description }),
    f.why ? el("p", { class: "why", text: f.why }) : null,
    findingPhotos(f),
    el("div", { class: "price" }, el("b", { text: money(f.price, currency) }), f.hours ? el("span", { class: "muted", text: t("kiosk.customer.hours", { hours: f.hours }) }) : null),
    el("p", { class: "hint", text: t("kiosk.customer.decide_hint") }),
  );
  if (confirming && confirming.id === f.id) {
    const yes = confirming.approve;
    card.append(
      el("p", { class: "lead", text: yes ? t("kiosk.customer.confirm_approve", { price: money(f.price, currency) }) : t("kiosk.customer.confirm_decline") }),
      el("div", { class: "row-buttons" },
        button(yes ? t("kiosk.customer.yes_approve") : t("kiosk.customer.yes_decline"), yes ? "primary" : "danger", () => decide(f.id, yes)),
        button(t("kiosk.cancel"), "quiet", async () => { confirming = null; await load(); })));
  } else {
    card.append(el("div", { class: "row-buttons" },
      button(t("kiosk.customer.approve"), "primary", async () => { confirming = { id: f.id, approve: true }; await load(); }),
      button(t("kiosk.customer.decline"), "", async () => { confirming = { id: f.id, approve: false }; await load(); })));
  }
  return card;
}

async function decide(id, approve) {
  const res = await api("POST", `${base}/findings/${encodeURIComponent(id)}`, { approve });
  confirming = null;
  if (!res.ok) {
    failed(res);
    await load();
    return;
  }
  notice(approve ? t("kiosk.customer.approved") : t("kiosk.customer.declined"), "ok");
  draw(res.data);
}

// scale is one question's choices, from..to, as a row of big radio
// buttons; the choice is kept in answers.
function scale(name, from, to, lowText, highText) {
  const opts = [];
  for (let n = from; n <= to; n++) {
    const input = el("input", { type: "radio", name: `survey-${name}`, value: String(n) });
    input.checked = answers[name] === n;
    input.onchange = () => {
      answers[name] = n;
      answering = true;
    };
    opts.push(el("label", { class: "scale-choice" }, input, el("span", { text: String(n) })));
  }
  return el("div", { class: "scale", role: "radiogroup", "data-question": name },
    el("div", { class: `scale-choices n${to - from + 1}` }, opts),
    el("div", { class: "scale-ends muted" }, el("span", { text: lowText }), el("span", { text: highText })));
}

function question(name, label, body) {
  return el("fieldset", { class: "question", "data-field": name }, el("legend", { text: label }), body);
}

function survey(v) {
  if (v.survey) {
    const s = v.survey;
    const row = (label, x, of) => el("li", {}, el("span", { class: "grow", text: label }), el("b", { text: `${x} / ${of}` }));
    return el("section", { class: "card survey answered", id: "survey" },
      el("h2", { text: t("kiosk.survey.thanks") }),
      el("p", { class: "hint", text: t("kiosk.survey.thanks_hint") }),
      el("ul", { class: "survey-answers" },
        row(t("kiosk.survey.work"), s.work, 5),
        row(t("kiosk.survey.charges"), s.charges, 5),
        s.wash ? row(t("kiosk.survey.wash"), s.wash, 5) : null,
        row(t("kiosk.survey.advisor"), s.advisor, 5),
        row(t("kiosk.survey.recommend"), s.recommend, 10)),
      s.comment ? el("p", { class: "pre", text: s.comment }) : null);
  }
  if (!v.survey_open) return null;
  const low = t("kiosk.survey.low");
  const high = t("kiosk.survey.high");
  const comment = el("textarea", { name: "comment", rows: 3, maxlength: COMMENT_MAX, "aria-label": t("kiosk.survey.comment") });
  comment.value = answers.comment || "";
  comment.oninput = () => {
    answers.comment = comment.value;
    answering = true;
  };
  const error = el("p", { class: "error", hidden: true });
  const f = el("form", { class: "card survey", id: "survey", novalidate: true },
    el("h2", { text: t("kiosk.survey.title") }),
    el("p", { class: "hint", text: t("kiosk.survey.hint") }),
    question("work", t("kiosk.survey.work"), scale("work", 1, 5, low, high)),
    question("charges", t("kiosk.survey.charges"), scale("charges", 1, 5, low, high)),
    v.washed ? question("wash", t("kiosk.survey.wash"), scale("wash", 1, 5, low, high)) : null,
    question("advisor", t("kiosk.survey.advisor"), scale("advisor", 1, 5, low, high)),
    question("recommend", t("kiosk.survey.recommend"), scale("recommend", 0, 10, t("kiosk.survey.not_likely"), t("kiosk.survey.very_likely"))),
    question("comment", t("kiosk.survey.comment"), comment),
    error,
    el("button", { type: "submit", class: "big primary", text: t("kiosk.survey.send") }));
  f.onsubmit = async (e) => {
    e.preventDefault();
    const asked = SCORES.filter((q) => q !== "wash" || v.washed);
    const missing = [...asked, "recommend"].filter((q) => answers[q] === undefined);
    if (missing.length) {
      error.hidden = false;
      error.textContent = t("kiosk.survey.missing");
      f.querySelector(`[data-field="${missing[0]}"]`)?.scrollIntoView({ block: "center" });
      return;
    }
    const body = { work: answers.work, charges: answers.charges, advisor: answers.advisor, recommend: answers.recommend, comment: (answers.comment || "").trim() };
    if (v.washed) body.wash = answers.wash;
    const button_ = f.querySelector("button[type=submit]");
    button_.disabled = true;
    const res = await api("POST", `${base}/survey`, body);
    button_.disabled = false;
    if (!res.ok) {
      if (res.data && res.data.code === "conflict") {
        answering = false;
        notice(t("kiosk.survey.already"), "error");
        await load();
        return;
      }
      if (res.data && res.data.code === "invalid") {
        error.hidden = false;
        error.textContent = t("kiosk.survey.invalid");
        return;
      }
      failed(res);
      return;
    }
    answering = false;
    notice(t("kiosk.survey.sent"), "ok");
    draw(res.data);
  };
  return f;
}

// Start once everything above is defined.
await boot({ title: () => t("kiosk.customer.title"), scanner: false });
await load();
every(10000, () => {
  if (!confirming && !answering) load();
});
