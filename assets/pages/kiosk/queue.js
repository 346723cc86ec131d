// The queues a phone shows at a bay's code besides the technician's own
// (GET /api/v1/kiosk/bay/{token}): at the wash bay, the washer's cars
// whose wash is due, being washed and waiting, each by promised time,
// with the next step of each wash; at any bay, the QC inspector's cars
// waiting for the final inspection, each opening the job's inspection.
// What a person may do is the server's answer (the domain's rules); the
// page only draws it.

import { t, el, when, jobCard, command, signIn, failed, notice, button } from "./kiosk.js";

// washSections draws the wash bay's queue: the cars being washed, then
// those waiting. reload redraws the page after a step.
export function washSections(wash, reload) {
  const washing = wash.filter((w) => w.washing);
  const waiting = wash.filter((w) => !w.washing);
  return [
    el("section", { class: "queue wash-lane", id: "washing" },
      el("h2", { text: t("kiosk.wash.washing", { n: washing.length }) }),
      washing.length ? washing.map((w) => washCar(w, reload)) : el("p", { class: "card empty", text: t("kiosk.wash.washing_none") })),
    el("section", { class: "queue wash-lane", id: "waiting" },
      el("h2", { text: t("kiosk.wash.waiting", { n: waiting.length }) }),
      waiting.length ? waiting.map((w) => washCar(w, reload)) : el("p", { class: "card empty", text: t("kiosk.wash.waiting_none") })),
  ];
}

function washCar(w, reload) {
  const since = el("p", { class: "wash-since muted", text: w.washing ? t("kiosk.wash.washing_since", { time: when(w.since) }) : t("kiosk.wash.waiting_since", { time: when(w.since) }) });
  const card = jobCard(w, { href: w.path });
  // The stage (washing) is the same for both: the badge says which.
  card.querySelector(".badge").textContent = w.washing ? t("kiosk.wash.state_washing") : t("kiosk.wash.state_waiting");
  const car = el("div", { class: `wash-car${w.washing ? " is-washing" : ""}`, "data-wash": w.job.id }, card, since);
  if (w.action === "wash_start") {
    car.append(step(t("kiosk.wash.start"), "primary", "wash_start", { type: "start_wash", job_id: w.job.id }, t("kiosk.wash.started"), reload));
  } else if (w.action === "wash_done") {
    car.append(step(t("kiosk.action.wash_done"), "primary", "wash_done", { type: "wash_done", job_id: w.job.id }, t("kiosk.done.wash_done"), reload));
  }
  return car;
}

// step is a wash's button: it gives its command, says so and redraws.
function step(text, cls, action, body, done, reload) {
  const give = async () => {
    const res = await command(body);
    if (res.status === 401) {
      await signIn();
      await reload();
      return;
    }
    if (!res.ok) {
      failed(res, give);
      return;
    }
    notice(done, "ok");
    await reload();
  };
  const b = button(text, cls, give);
  b.dataset.action = action;
  return b;
}

// inspectionSection draws the cars waiting for the final inspection;
// each opens its job, where the inspection is passed or failed.
export function inspectionSection(inspections) {
  return el("section", { class: "queue inspections", id: "inspections" },
    el("h2", { text: t("kiosk.inspect.queue", { n: inspections.length }) }),
    inspections.length
      ? inspections.map((q) => el("div", { class: "inspect-car", "data-inspect": q.job.id },
        jobCard(q, { href: q.path }),
        q.job.reworks ? el("p", { class: "rework-mark", text: t("kiosk.inspect.again", { n: q.job.reworks }) }) : null))
      : el("p", { class: "card empty", text: t("kiosk.inspect.none") }));
}
