// Dispatch (派工), the workshop controller's page: the jobs waiting for
// dispatch — key customers and higher priority first, then the longest
// waiting — beside the bays (free or taken, and by what) and the
// technicians (team, skills, what they hold now). Choosing a job opens
// its dispatch form: a team (which ticks its least loaded free
// technician and picks a free bay its skills fit), the technicians, the
// bay and the priority. The page follows the workshop's live feed and
// reads the workshop again after each change.

import { start, t, el, api, command, form, notice, when } from "../staff/app.js";
import { Feed } from "../feed.js";
import { field, select, table } from "../staff/kit.js";

const ON_BAY = ["dispatched", "in_progress", "waiting_parts", "waiting_approval", "paused"];

start("desk", async (main, ctx) => {
  if (!ctx.may.includes("dispatch")) {
    main.append(el("p", { class: "error" }, t("desk.dispatch.not_allowed")));
    return;
  }
  const kindName = {
    quick_service: t("desk.dispatch.kind_quick_service"),
    general: t("desk.dispatch.kind_general"),
    alignment: t("desk.dispatch.kind_alignment"),
    diagnosis: t("desk.dispatch.kind_diagnosis"),
    body: t("desk.dispatch.kind_body"),
    paint: t("desk.dispatch.kind_paint"),
    wash: t("desk.dispatch.kind_wash"),
  };
  const queueBox = el("div", { class: "pane", id: "queue" });
  const formBox = el("div", { class: "pane", id: "dispatch-form" });
  const baysBox = el("div", { id: "bays" });
  const techsBox = el("div", { id: "techs" });
  const link = el("span", { class: "flag", id: "link" });
  const counts = el("span", { class: "muted", id: "counts" });
  main.append(
    el("div", { class: "toolbar" }, el("h1", { class: "grow" }, t("desk.dispatch.title")), counts, link),
    el(
      "div",
      { class: "dispatch" },
      el("section", {}, el("h2", {}, t("desk.dispatch.queue")), queueBox),
      el("section", {}, formBox),
      el("section", { class: "pane" }, el("h2", {}, t("desk.dispatch.bays")), baysBox, el("h2", {}, t("desk.dispatch.techs")), techsBox),
    ),
  );

  let shop = null; // {workshop, techs, teams}
  let chosen = null; // the job id in the form

  // waited writes how long a job has waited for dispatch.
  const waited = (job, now) => {
    const since = [...(job.stages || [])].reverse().find((s) => s.stage === "waiting_dispatch")?.at || job.updated_at;
    const min = Math.max(0, Math.round((new Date(now) - new Date(since)) / 60000));
    return min < 60 ? t("desk.dispatch.wait_min", { n: min }) : t("desk.dispatch.wait_hours", { h: Math.floor(min / 60), m: min % 60 });
  };
  const waitedMinutes = (job) => {
    const since = [...(job.stages || [])].reverse().find((s) => s.stage === "waiting_dispatch")?.at || job.updated_at;
    return new Date(since).getTime();
  };

  // load is what each technician holds now: the jobs on a bay they are
  // dispatched to, the sold hours still to do there, and whether they
  // are clocked on.
  function loads(w) {
    const out = {};
    for (const js of w.jobs) {
      const j = js.job;
      if (!ON_BAY.includes(j.stage)) continue;
      const left = Math.max(0, js.progress.sold_hours - js.progress.clocked_hours) / Math.max(1, (j.tech_ids || []).length);
      for (const id of j.tech_ids || []) {
        const l = (out[id] ||= { jobs: 0, hours: 0, working: false, plates: [] });
        l.jobs++;
        l.hours += left;
        l.plates.push(js.plate);
      }
      for (const s of j.clock || []) {
        if (!s.end) (out[s.tech_id] ||= { jobs: 0, hours: 0, working: false, plates: [] }).working = true;
      }
    }
    return out;
  }

  async function refresh() {
    const [workshop, techs, teams, roster] = await Promise.all([
      api("GET", "/api/v1/workshop"), api("GET", "/api/v1/technicians"), api("GET", "/api/v1/teams"), api("GET", "/api/v1/roster"),
    ]);
    // The roster: a technician recorded off or on leave today is offered
    // no job (dispatch refuses them); the list shows them as away.
    const away = new Map(roster.technicians.filter((d) => d.away).map((d) => [d.tech_id, d.status]));
    const active = techs.filter((x) => x.active);
    shop = { workshop, techs: active.filter((x) => !away.has(x.id)), away: active.filter((x) => away.has(x.id)).map((x) => ({ ...x, status: away.get(x.id) })), teams, load: loads(workshop) };
    draw();
  }

  function queue() {
    return [...shop.workshop.queue].sort(
      (a, b) => Number(b.key_customer) - Number(a.key_customer) || (b.job.priority || 0) - (a.job.priority || 0) || waitedMinutes(a.job) - waitedMinutes(b.job),
    );
  }

  function draw() {
    const w = shop.workshop;
    counts.textContent = t("desk.dispatch.counts", { queue: w.queue.length, free: w.counts.techs_free, total: w.counts.techs_total });
    const q = queue();
    if (chosen && !movable(chosen)) {
      chosen = null;
      formBox.replaceChildren(el("p", { class: "muted" }, t("desk.dispatch.pick")));
    }
    queueBox.replaceChildren(
      q.length
        ? table(
            [t("desk.dispatch.plate"), t("desk.dispatch.work"), el("th", { class: "num" }, t("desk.dispatch.hours")), t("desk.dispatch.promised"), t("desk.dispatch.waiting")],
            q.map((js) => {
              const j = js.job;
              const pick = () => choose(j.id);
              return el(
                "tr",
                { tabindex: 0, class: j.id === chosen ? "selected" : null, dataset: { job: j.id }, onclick: pick, onkeydown: (e) => e.key === "Enter" && pick() },
                el(
                  "td",
                  {},
                  el("span", { class: "plate" }, js.plate),
                  el("br"),
                  js.key_customer ? el("span", { class: "flag red" }, t("flag.key_customer")) : null,
                  j.reworks > 0 ? el("span", { class: "flag yellow" }, t("flag.rework")) : null,
                  j.priority > 0 ? el("span", { class: "flag blue" }, t("desk.dispatch.priority_n", { n: j.priority })) : null,
                ),
                el("td", {}, el("div", {}, js.model), el("div", { class: "muted" }, (j.requests || "").slice(0, 40))),
                el("td", { class: "num" }, js.progress.sold_hours.toFixed(1)),
                el("td", {}, when(j.promised_at), js.progress.at_risk ? el("span", { class: "flag red" }, t("flag.at_risk")) : null),
                el("td", {}, waited(j, w.at)),
              );
            }),
          )
        : el("p", { class: "muted card", id: "queue-empty" }, t("desk.dispatch.queue_empty")),
    );
    baysBox.replaceChildren(
      table(
        [t("desk.dispatch.bay"), t("desk.dispatch.kind"), t("desk.dispatch.on_bay")],
        w.bays.map((b) =>
          el(
            "tr",
            b.job
              ? {
                  class: b.job.job.id === chosen ? "bay-busy selected" : "bay-busy",
                  dataset: { bay: b.bay.id, job: b.job.job.id },
                  tabindex: 0,
                  title: t("desk.dispatch.change_hint"),
                  onclick: () => choose(b.job.job.id),
                  onkeydown: (e) => e.key === "Enter" && choose(b.job.job.id),
                }
              : { class: "bay-free", dataset: { bay: b.bay.id } },
            el("td", {}, el("strong", {}, b.bay.name)),
            el("td", {}, kindName[b.bay.kind] || b.bay.kind),
            el(
              "td",
              {},
              b.job
                ? [el("span", { class: "plate" }, b.job.plate), " ", el("span", { class: "muted" }, t(`stage.${b.job.job.stage}`))]
                : el("span", { class: "flag green" }, t("desk.dispatch.free")),
            ),
          ),
        ),
      ),
    );
    const teamName = Object.fromEntries(shop.teams.map((tm) => [tm.id, tm.name]));
    techsBox.replaceChildren(
      table(
        [t("desk.dispatch.tech"), t("desk.dispatch.team"), t("desk.dispatch.skills"), t("desk.dispatch.load")],
        shop.techs.map((x) => {
          const l = shop.load[x.id];
          return el(
            "tr",
            { dataset: { tech: x.id } },
            el("td", {}, el("strong", {}, x.name)),
            el("td", {}, teamName[x.team_id] || ""),
            el("td", {}, (x.skills || []).map((s) => kindName[s] || s).join("、")),
            el("td", {}, techState(l)),
          );
        }).concat(shop.away.map((x) => el(
          "tr",
          { dataset: { tech: x.id, away: x.status } },
          el("td", {}, el("strong", {}, x.name)),
          el("td", {}, teamName[x.team_id] || ""),
          el("td", {}, (x.skills || []).map((s) => kindName[s] || s).join("、")),
          el("td", {}, el("span", { class: "flag red" }, x.status === "leave" ? t("desk.roster.leave") : t("desk.roster.off"))),
        ))),
      ),
    );
  }

  function techState(l) {
    if (!l) return el("span", { class: "flag green" }, t("desk.dispatch.free"));
    return [
      el("span", { class: l.working ? "flag yellow" : "flag blue" }, l.working ? t("desk.dispatch.working") : t("desk.dispatch.assigned")),
      el("span", { class: "muted" }, t("desk.dispatch.load_text", { jobs: l.jobs, hours: l.hours.toFixed(1) })),
    ];
  }

  // movable says whether a job can be dispatched from here: it waits in
  // the queue, or holds a bay (its team, technicians, bay or priority
  // can change).
  function movable(id) {
    return shop.workshop.jobs.some((js) => js.job.id === id && (js.job.stage === "waiting_dispatch" || ON_BAY.includes(js.job.stage)));
  }

  // choose opens the dispatch form of a waiting job, or of one on a bay.
  function choose(id) {
    chosen = id;
    draw();
    const js = shop.workshop.jobs.find((x) => x.job.id === id);
    const j = js.job;
    const waiting = j.stage === "waiting_dispatch";
    const teamSel = select("team_id", [["", "—"], ...shop.teams.map((tm) => [tm.id, tm.name])], j.team_id || "");
    const techList = el("div", { class: "techs-pick", "data-field": "tech_ids", tabindex: -1 });
    const baySel = el("select", { name: "bay_id" });
    const prio = select("priority", Array.from({ length: 10 }, (_, n) => [String(n), String(n)]), String(j.priority || 0));
    const f = el(
      "form",
      { novalidate: true, class: "card", id: "dispatch", dataset: { job: id } },
      el("h2", {}, el("span", { class: "plate" }, js.plate), " · ", js.model, waiting ? null : el("span", { class: "flag blue" }, t(`stage.${j.stage}`))),
      el("p", { class: "muted" }, j.requests, " · ", t("desk.dispatch.sold", { hours: js.progress.sold_hours.toFixed(1) }), " · ", t("desk.dispatch.promised_at", { time: when(j.promised_at) })),
      field(t("desk.dispatch.team"), teamSel),
      el("span", { class: "hint" }, t("desk.dispatch.techs")),
      techList,
      field(t("desk.dispatch.bay"), baySel),
      field(t("desk.dispatch.priority"), prio),
      el(
        "div",
        { class: "buttons" },
        el("button", { type: "submit", class: "primary", id: "do-dispatch" }, waiting ? t("desk.dispatch.dispatch") : t("desk.dispatch.change")),
      ),
    );
    // A car dispatched but not started can go back to the queue: the
    // server says whether this one may, now.
    if (!waiting) {
      api("GET", `/api/v1/jobs/${encodeURIComponent(id)}`).then((view) => {
        if (chosen !== id || !view.may.includes("undispatch") || f.querySelector("#undispatch")) return;
        f.querySelector(".buttons").append(el("button", { type: "button", id: "undispatch", onclick: () => undispatch(js) }, t("desk.dispatch.undispatch")));
      }, () => {});
    }

    const drawTechs = () => {
      const team = teamSel.value;
      const techs = [...shop.techs].sort((a, b) => Number(b.team_id === team) - Number(a.team_id === team) || (shop.load[a.id]?.hours || 0) - (shop.load[b.id]?.hours || 0));
      const ticked = new Set(Array.from(techList.querySelectorAll("input:checked"), (i) => i.value));
      techList.replaceChildren(
        ...techs.map((x) => {
          const box = el("input", { type: "checkbox", name: "tech", value: x.id });
          box.checked = ticked.has(x.id);
          const l = shop.load[x.id];
          return el(
            "label",
            { class: "check", style: team && x.team_id !== team ? "opacity:0.6" : null },
            box,
            el("span", {}, x.name, " ", el("span", { class: "load" }, l ? t("desk.dispatch.load_text", { jobs: l.jobs, hours: l.hours.toFixed(1) }) : t("desk.dispatch.free"))),
          );
        }),
      );
    };
    const drawBays = () => {
      const members = shop.techs.filter((x) => x.team_id === teamSel.value);
      const skills = new Set(members.flatMap((x) => x.skills || []));
      const bays = shop.workshop.bays;
      const opts = [el("option", { value: "" }, "—")];
      for (const b of [...bays].sort((a, c) => Number(!!a.job) - Number(!!c.job) || Number(skills.has(c.bay.kind)) - Number(skills.has(a.bay.kind)))) {
        opts.push(
          el(
            "option",
            { value: b.bay.id, disabled: !!b.job && b.job.job.id !== id },
            `${b.bay.name} · ${kindName[b.bay.kind] || b.bay.kind}${b.job ? " · " + b.job.plate : ""}`,
          ),
        );
      }
      const was = baySel.value;
      baySel.replaceChildren(...opts);
      baySel.value = was;
    };
    // A team chosen ticks its least loaded free technician and a free bay
    // its skills fit, unless some are chosen already.
    teamSel.addEventListener("change", () => {
      drawTechs();
      drawBays();
      const team = teamSel.value;
      if (team && !techList.querySelector("input:checked")) {
        const free = shop.techs.filter((x) => x.team_id === team && !shop.load[x.id]);
        const pick = free[0] || shop.techs.filter((x) => x.team_id === team).sort((a, b) => (shop.load[a.id]?.hours || 0) - (shop.load[b.id]?.hours || 0))[0];
        const box = pick && techList.querySelector(`input[value="${pick.id}"]`);
        if (box) box.checked = true;
      }
      if (!baySel.value) {
        const first = Array.from(baySel.options).find((o) => o.value && !o.disabled);
        if (first) baySel.value = first.value;
      }
    });
    drawTechs();
    drawBays();
    if (j.bay_id) baySel.value = j.bay_id;
    for (const id of j.tech_ids || []) {
      const box = techList.querySelector(`input[value="${id}"]`);
      if (box) box.checked = true;
    }
    form(
      f,
      (key) =>
        command(
          {
            type: "dispatch",
            job_id: id,
            team_id: teamSel.value,
            tech_ids: Array.from(techList.querySelectorAll("input:checked"), (i) => i.value),
            bay_id: baySel.value,
            priority: Number(prio.value),
          },
          key,
        ),
      async (out) => {
        notice(t("desk.dispatch.done", { plate: js.plate, bay: out.job?.bay || "" }), "ok");
        chosen = null;
        formBox.replaceChildren(el("p", { class: "muted" }, t("desk.dispatch.pick")));
        await refresh();
        queueBox.querySelector("tr[tabindex]")?.focus();
      },
    );
    formBox.replaceChildren(f);
    teamSel.focus();
  }

  async function undispatch(js) {
    try {
      await command({ type: "undispatch", job_id: js.job.id });
      notice(t("desk.dispatch.undispatched", { plate: js.plate }), "ok");
      chosen = null;
      formBox.replaceChildren(el("p", { class: "muted" }, t("desk.dispatch.pick")));
      await refresh();
    } catch (e) {
      notice(e.message, "alert");
    }
  }

  formBox.replaceChildren(el("p", { class: "muted" }, t("desk.dispatch.pick")));
  await refresh();

  // The live feed says when the workshop changed; the page then reads it
  // again, at most about once a second.
  let pending = null;
  const feed = new Feed("workshop", {
    onModel: () => {
      if (pending) return;
      pending = setTimeout(async () => {
        pending = null;
        try {
          await refresh();
        } catch (e) {
          // The next change or reconnection tries again.
        }
      }, 800);
    },
    onStatus: (status) => {
      link.className = status === "online" ? "flag green" : "flag red";
      link.textContent = status === "online" ? t("desk.dispatch.live") : t("desk.dispatch.offline");
    },
  });
  feed.start();
});
