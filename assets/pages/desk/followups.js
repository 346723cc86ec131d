// Follow-up (回访): the cars delivered in the last three days whose
// customer is due a call, at the time they preferred; the outcome of each
// call (satisfied, a complaint with its details, or unreachable — to call
// again); and the complaints still open, until the follow-up clerk closes
// each with what was done. Below, the cars whose next service (agreed
// at delivery, by date or mileage) falls due within two weeks: the
// customer is called to book it, once.
// Beside the calls, the answers to the follow-up survey customers give on
// their own page (each call shows its job's scores when there are some);
// a low answer opens a complaint by itself. A complaint has a category
// (seed 002's four), an owner and a due date; past it, it is flagged here
// and escalated to the service manager's notices.

import { start, api, command, el, t, form, notice, problemText } from "/assets/staff/app.js";
import { watchJobs, dateTime } from "/assets/staff/advisor.js";
import { isoDate } from "/assets/kit/format.js";

const categories = ["facilities", "attitude", "workmanship", "process"];
const categoryKeys = {
  facilities: "desk.complaint.facilities",
  attitude: "desk.complaint.attitude",
  workmanship: "desk.complaint.workmanship",
  process: "desk.complaint.process",
};
const categoryName = (c) => t(categoryKeys[c] || categoryKeys.process);

// scores is a survey answer in one line: work, charges, wash, advisor
// (each of 5) and would-recommend (of 10); a low one is flagged.
function scores(s) {
  const one = (key, label, x, of, low) => (x || key === "recommend" ? el("span", { class: x <= low ? "flag red" : "flag", "data-score": key }, label, " ", `${x}/${of}`) : null);
  return el("span", { class: "survey-scores toolbar" },
    one("work", t("desk.survey.work"), s.work, 5, 2),
    one("charges", t("desk.survey.charges"), s.charges, 5, 2),
    one("wash", t("desk.survey.wash"), s.wash, 5, 2),
    one("advisor", t("desk.survey.advisor"), s.advisor, 5, 2),
    one("recommend", t("desk.survey.recommend"), s.recommend, 10, 6));
}

const outcomes = [
  { id: "satisfied", key: "desk.follow.satisfied" },
  { id: "complaint", key: "desk.follow.complaint" },
  { id: "unreachable", key: "desk.follow.unreachable" },
];

function deliveredAt(job) {
  return [...(job.stages || [])].reverse().find((s) => s.stage === "delivered")?.at;
}

start("desk", async (main, ctx) => {
  const { user } = ctx;
  watchJobs(user);
  const due = el("section", { class: "card", id: "due" });
  const complaints = el("section", { class: "card side", id: "complaints" });
  const service = el("section", { class: "card", id: "service-reminders" });
  const surveys = el("section", { class: "card", id: "surveys" });
  main.append(el("h1", {}, t("desk.follow.title")), el("div", { class: "split" }, due, complaints), surveys, service);
  let staff = [];
  if (ctx.may.includes("assign_complaint")) staff = await api("GET", "/api/v1/staff").catch(() => []);
  await Promise.all([refresh(), refreshService()]);

  async function refreshService() {
    let list;
    try {
      list = await api("GET", "/api/v1/service-reminders");
    } catch (e) {
      service.replaceChildren(el("p", { class: "error" }, problemText(e)));
      return;
    }
    service.replaceChildren(el("h2", {}, t("desk.service.due", { n: list.length })),
      list.length ? el("div", { class: "stack" }, list.map(serviceCard)) : el("p", { class: "muted" }, t("desk.service.none")));
  }

  function serviceCard(r) {
    const v = r.vehicle;
    const f = el("form", { class: "card toolbar", "data-vehicle": v.id, novalidate: true },
      el("strong", { class: "plate" }, v.plate), el("span", { class: "muted" }, v.model), el("strong", {}, r.customer),
      r.phone ? el("a", { href: `tel:${r.phone}` }, r.phone) : null,
      el("span", { class: r.by === "mileage" ? "flag yellow" : "flag blue" },
        r.by === "mileage"
          ? t("desk.service.by_mileage", { date: isoDate(new Date(r.due_at)), km: r.expected_km.toLocaleString() })
          : t("desk.service.by_date", { date: isoDate(new Date(r.due_at)) })),
      el("span", { class: "grow" }));
    if (ctx.may.includes("record_service_reminder")) {
      f.append(el("input", { name: "notes", "data-field": "notes", placeholder: t("desk.field.notes"), "aria-label": t("desk.field.notes") }),
        el("button", { type: "submit", class: "small primary" }, t("desk.service.called")));
      form(f, (key) => command({ type: "record_service_reminder", vehicle_id: v.id, notes: f.notes.value.trim() }, key), async () => {
        notice(t("desk.service.recorded", { plate: v.plate }), "ok");
        await refreshService();
      });
    }
    return f;
  }

  async function refresh() {
    let data;
    try {
      data = await api("GET", "/api/v1/follow-ups");
    } catch (e) {
      due.replaceChildren(el("p", { class: "error" }, problemText(e)));
      return;
    }
    due.replaceChildren(el("h2", {}, t("desk.follow.due", { n: data.due.length })),
      data.due.length ? el("div", { class: "stack" }, data.due.map(callCard)) : el("p", { class: "muted" }, t("desk.follow.none")));
    complaints.replaceChildren(el("h2", {}, t("desk.follow.complaints", { n: data.complaints.length })),
      data.complaints.length ? el("div", { class: "stack" }, data.complaints.map(complaintCard)) : el("p", { class: "muted" }, t("desk.follow.no_complaints")));
    const answers = data.surveys || [];
    surveys.replaceChildren(el("h2", {}, t("desk.survey.recent", { n: answers.length })),
      answers.length
        ? el("div", { class: "stack" }, answers.map((a) =>
          el("div", { class: "card", "data-survey": a.job_id },
            el("div", { class: "toolbar" }, el("strong", { class: "plate" }, a.plate), el("span", { class: "muted" }, a.job_id),
              el("span", {}, t("desk.col.advisor"), " ", a.advisor), el("span", { class: "grow" }),
              a.complaint_open ? el("span", { class: "flag red" }, t("desk.survey.complaint")) : null,
              el("span", { class: "muted" }, dateTime(a.survey.at))),
            scores(a.survey),
            a.survey.comment ? el("p", { class: "pre" }, a.survey.comment) : null)))
        : el("p", { class: "muted" }, t("desk.survey.none")));
  }

  function callCard(js) {
    const j = js.job;
    const preferred = j.follow_up_at;
    const f = el("form", { class: "card", "data-job": j.id, novalidate: true },
      el("div", { class: "toolbar" },
        el("strong", { class: "plate" }, js.plate), el("span", { class: "muted" }, js.model), el("strong", {}, js.customer),
        el("a", { href: `tel:${js.phone}` }, js.phone), el("span", { class: "grow" }),
        el("span", { class: "muted" }, t("desk.follow.delivered", { time: dateTime(deliveredAt(j)) })),
        preferred ? el("span", { class: "flag blue" }, t("desk.follow.preferred", { time: dateTime(preferred) })) : null,
        j.follow_up?.outcome === "unreachable" ? el("span", { class: "flag yellow" }, t("desk.follow.again")) : null),
      j.survey ? el("div", { class: "toolbar" }, el("span", { class: "muted" }, t("desk.survey.answered")), scores(j.survey)) : null,
      el("div", { class: "checks", "data-field": "outcome", role: "radiogroup", "aria-label": t("desk.field.outcome") },
        outcomes.map((o) => el("label", { class: "check" }, el("input", { type: "radio", name: "outcome", value: o.id }), el("span", {}, t(o.key))))),
      el("label", {}, el("span", {}, t("desk.field.category")),
        el("select", { name: "category", "data-field": "category" }, categories.map((c) => el("option", { value: c, selected: c === "process" }, categoryName(c))))),
      el("label", {}, el("span", {}, t("desk.field.notes")), el("textarea", { name: "notes", rows: 2 })),
      el("div", { class: "toolbar" }, el("span", { class: "muted" }, t("desk.col.advisor"), " ", js.advisor), el("span", { class: "grow" }),
        el("button", { type: "submit", class: "primary" }, t("desk.follow.record"))));
    form(f, (key) => {
      const outcome = f.querySelector("input[name=outcome]:checked")?.value || "";
      const c = { type: "record_followup", job_id: j.id, outcome, notes: f.notes.value.trim() };
      if (outcome === "complaint") c.category = f.category.value;
      return command(c, key);
    },
      async () => {
        notice(t("desk.follow.recorded", { plate: js.plate }), "ok");
        await refresh();
      });
    return f;
  }

  function complaintCard(js) {
    const j = js.job;
    const fu = j.follow_up || {};
    const card = el("div", { class: js.overdue ? "card overdue" : "card", "data-complaint": j.id },
      el("div", { class: "toolbar" }, el("strong", { class: "plate" }, js.plate), el("strong", {}, js.customer), el("a", { href: `tel:${js.phone}` }, js.phone),
        el("span", { class: "muted" }, dateTime(fu.at))),
      el("div", { class: "toolbar" },
        el("span", { class: "flag blue", "data-category": fu.category || "process" }, categoryName(fu.category)),
        fu.by === "survey" ? el("span", { class: "flag" }, t("desk.survey.from_survey")) : null,
        el("span", {}, t("desk.complaint.owner"), " ", js.owner || t("desk.complaint.no_owner")),
        fu.due_at ? el("span", { class: "muted" }, t("desk.complaint.due", { time: dateTime(fu.due_at) })) : null,
        js.overdue ? el("span", { class: "flag red", "data-overdue": "true" }, t("desk.complaint.overdue")) : null),
      j.survey ? scores(j.survey) : null,
      el("p", { class: "pre" }, fu.notes || ""));
    if (ctx.may.includes("assign_complaint")) {
      const a = el("form", { class: "toolbar", novalidate: true, "data-assign": j.id },
        el("label", {}, el("span", {}, t("desk.field.category")),
          el("select", { name: "category" }, categories.map((c) => el("option", { value: c, selected: c === (fu.category || "process") }, categoryName(c))))),
        el("label", {}, el("span", {}, t("desk.complaint.owner")),
          el("select", { name: "owner_id" }, el("option", { value: "" }, "—"), staff.map((u) => el("option", { value: u.id, selected: u.id === fu.owner_id }, u.name)))),
        el("button", { type: "submit", class: "small" }, t("desk.complaint.assign")));
      form(a, (key) => command({ type: "assign_complaint", job_id: j.id, category: a.category.value, owner_id: a.owner_id.value }, key), async () => {
        notice(t("desk.complaint.assigned", { plate: js.plate }), "ok");
        await refresh();
      });
      card.append(a);
    }
    if (ctx.may.includes("close_complaint")) {
      const f = el("form", { novalidate: true },
        el("label", {}, el("span", {}, t("desk.field.resolution")), el("textarea", { name: "resolution", rows: 2 })),
        el("button", { type: "submit", class: "small" }, t("desk.follow.close")));
      form(f, (key) => command({ type: "close_complaint", job_id: j.id, resolution: f.resolution.value.trim() }, key), async () => {
        notice(t("desk.follow.closed", { plate: js.plate }), "ok");
        await refresh();
      });
      card.append(f);
    }
    return card;
  }
});
