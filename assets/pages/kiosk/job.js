// The job's kiosk page (/k/job/{token}): what to do — the rework banner
// (the check it failed and why, or a comeback), the labour operations with
// their standard hours, the parts to draw and those drawn, the approved
// extra work, the damage noted at reception — its parts requests and
// findings, and the buttons the signed-in person's role allows at its stage (the
// server says which). Pausing asks why: waiting for parts (pick or type
// them: a parts request), waiting for the customer's approval (a finding:
// what, why, hours, parts — the advisor prices it and sends it to the
// customer), a break, or something else. Finishing
// asks for the self-check; the team leader and the QC inspector pass or
// fail with a reason; the washer marks the wash done. Below, the car's
// history: its past visits and the work still recommended, and, for
// those whose job it is, a note of work for the car's next visit.
// Photos: each open finding takes photos of what was found (the phone's
// own camera app), the job takes photos of the work done (the old part
// beside the new); they go up in the background while the technician
// works on, and the job's photos show as thumbnails, full size on a tap.

import { boot, show, api, command, me, signIn, t, el, when, money, jobCard, button, notice, failed, tokenOf, labelled, every, problemText } from "./kiosk.js";
import { historyPanel } from "../kit/history.js";
import { photoQueue, photoPicker, photoThumbs, positionName } from "../kit/photos.js";

const token = tokenOf();
let data = null;
// panel is the open sub-form (pause reasons, parts, finding, self-check,
// QC failure); while one is open the page does not redraw under the hands.
let panel = null;
// history is the car's history, read once per vehicle and after a note
// is recorded: it changes between visits, not by the minute.
let history = null;
// photos is the job's upload queue (kit/photos.js), made once the job is
// known; its view of the photos on their way survives every redraw.
let photos = null;

async function switchPerson(badgeToken) {
  panel = null;
  await signIn({ badgeToken });
  photos?.resume();
  await load();
}

async function load() {
  const res = await api("GET", `/api/v1/kiosk/job/${encodeURIComponent(token)}`);
  if (res.status === 401) {
    panel = null;
    await signIn();
    photos?.resume();
    return load();
  }
  if (!res.ok) {
    failed(res);
    return;
  }
  data = res.data;
  if (!photos) {
    photos = photoQueue(data.job.id, {
      // A stored photo shows among the job's at the next look.
      onStored: () => {
        if (!panel) load();
      },
      // A refusal says the server's reason (a closed job, too many photos).
      explain: (status, p) => p.detail || problemText(p),
    });
  }
  if (!history || history.vehicle !== data.job.vehicle_id) await loadHistory();
  // An open form is not redrawn under the hands; it shows the new state
  // when it closes.
  if (!panel) draw();
}

async function loadHistory() {
  const res = await api("GET", `/api/v1/vehicles/${encodeURIComponent(data.job.vehicle_id)}/history`);
  history = { vehicle: data.job.vehicle_id, ok: res.ok, data: res.data, status: res.status };
}

function historySection(d) {
  if (!history) return null;
  if (!history.ok) return el("p", { class: "error", id: "history", text: t("history.load_failed", { error: history.status }) });
  const panelEl = historyPanel(history.data, { visits: 5 });
  if (d.may_recommend) panelEl.append(button(t("kiosk.recommend.open"), "", async () => openPanel(recommendForm())));
  return panelEl;
}

// recommendForm notes work the car should have at a later visit (a tyre
// near its limit, a leak to watch): the desk offers it next time.
function recommendForm() {
  const what = labelled(t("kiosk.recommend.what"), { name: "description", required: true, maxlength: "500" }, "textarea");
  const hours = labelled(t("kiosk.finding.hours"), { name: "hours", type: "number", min: "0", max: "200", step: "0.1", value: "0", inputmode: "decimal" });
  const safety = el("input", { type: "checkbox", name: "safety" });
  const form = el("form", { class: "form", id: "recommend" }, el("h2", { text: t("kiosk.recommend.title") }),
    what.label, hours.label, el("label", { class: "check" }, safety, el("span", { text: t("kiosk.recommend.safety") })),
    el("button", { class: "big primary", type: "submit", text: t("kiosk.recommend.submit") }));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const ok = await give({ type: "record_recommendation", vehicle_id: data.job.vehicle_id, job_id: data.job.id,
      description: what.input.value.trim(), hours: parseFloat(hours.input.value) || 0, safety: safety.checked }, t("kiosk.done.recommend"));
    if (ok) {
      await loadHistory();
      draw();
    }
  };
  return form;
}

function draw() {
  const d = data;
  const job = d.job;
  const parts = d.parts_requests.map((p) =>
    el("li", { class: `part part-${p.status}` },
      el("span", { class: "grow", text: `${p.description}${p.number ? " · " + p.number : ""} ×${p.quantity}` }),
      el("span", { class: "status", text: p.status === "on_order" && p.eta ? t("kiosk.parts.eta", { time: when(p.eta) }) : t(`parts.${p.status}`) }),
    ),
  );
  // The parts the job draws from the counter, each drawn or still to
  // draw: the technician knows what to fetch and what is at the bay.
  const draws = (d.draw_lines || []).map((l) =>
    el("li", { class: `part ${l.to_draw > 0 ? "part-to-draw" : "part-issued"}`, "data-number": l.number || "" },
      el("span", { class: "grow", text: `${l.name}${l.number ? " · " + l.number : ""} ×${l.wanted}` }),
      el("span", { class: "status", text: [l.issued > 0 || !(l.to_draw > 0) ? t("kiosk.job.drawn", { n: l.issued }) : null,
        l.to_draw > 0 ? t("kiosk.job.draw_left", { n: l.to_draw }) : null].filter(Boolean).join(" · ") }),
    ),
  );
  const checks = d.checks.map((c) =>
    el("li", { class: c.pass ? "check-pass" : "check-fail" },
      el("span", { class: "grow", text: `${checkStep(c.step)} · ${c.by_name}` }),
      c.step !== "self" && c.reason ? el("span", { class: "muted", text: c.reason }) : null,
      el("span", { class: "status", text: c.pass ? t("kiosk.qc.passed") : t("kiosk.qc.failed") }),
    ),
  );
  // Extra work the customer approved is work to do, with its hours; the
  // rest of the findings say where they stand.
  const approved = d.findings.filter((f) => f.status === "approved").map((f) =>
    el("li", { class: "finding finding-approved", "data-finding": f.id },
      el("span", { class: "grow", text: f.description }),
      el("span", { class: "status", text: t("kiosk.sheet.hours", { h: f.hours }) }),
      findingPhotos(f),
    ),
  );
  const findings = d.findings.filter((f) => f.status !== "approved").map((f) =>
    el("li", { class: `finding finding-${f.status}`, "data-finding": f.id },
      el("span", { class: "grow", text: f.description }),
      el("span", { class: "status", text: findingStatus(f.status) }),
      findingPhotos(f),
    ),
  );
  // A paused job whose reason has gone says so, so that nobody waits on.
  const openParts = d.parts_requests.some((p) => ["requested", "picked", "on_order"].includes(p.status));
  const awaiting = d.findings.some((f) => f.status === "awaiting" || f.status === "proposed");
  let ready = null;
  if (job.stage === "waiting_parts" && !openParts) ready = t("kiosk.job.parts_ready");
  if (job.stage === "waiting_approval" && !awaiting) ready = t("kiosk.job.decided");
  const labour = (job.labour || []).map((l) =>
    el("li", { class: "labour" },
      el("span", { class: "grow", text: l.name }),
      el("span", { class: "status", text: t("kiosk.sheet.hours", { h: l.sold_hours }) }),
    ),
  );
  show(
    jobCard(d),
    reworkBanner(d),
    photos.view,
    ready ? el("p", { class: "ready", role: "status", text: ready }) : null,
    job.requests ? el("p", { class: "requests", text: job.requests }) : null,
    el("section", { class: "card list labour-ops", id: "labour" }, el("h2", { text: t("kiosk.sheet.labour") }),
      labour.length ? el("ul", {}, labour) : el("p", { class: "muted", text: t("kiosk.sheet.no_labour") })),
    draws.length ? el("section", { class: "card list to-draw", id: "draw" }, el("h2", { text: t("kiosk.job.to_draw") }), el("ul", {}, draws)) : null,
    approved.length ? el("section", { class: "card list approved", id: "approved" }, el("h2", { text: t("kiosk.sheet.approved") }), el("ul", {}, approved)) : null,
    walkAround(job.walk_around || {}, shownPhotos(job, "walk_around")),
    parts.length ? el("section", { class: "card list" }, el("h2", { text: t("kiosk.job.parts") }), el("ul", {}, parts)) : null,
    findings.length ? el("section", { class: "card list" }, el("h2", { text: t("kiosk.job.findings") }), el("ul", {}, findings)) : null,
    checks.length ? el("section", { class: "card list" }, el("h2", { text: t("kiosk.qc.history") }), el("ul", {}, checks)) : null,
    workPhotos(job),
    actions(d),
    historySection(d),
  );
}

// reworkBanner tells the technician the car is back: the check it failed
// and why, or that it came back after delivery (返修).
function reworkBanner(d) {
  const r = d.rework;
  if (!r) return null;
  const box = el("section", { class: "rework", id: "rework", role: "alert" }, el("h2", { text: t("kiosk.sheet.rework") }));
  if (r.failed) {
    box.append(el("p", { class: "rework-step", text: t("kiosk.sheet.rework_failed", { step: checkStep(r.failed.step), by: d.rework_by || r.failed.by }) }),
      el("p", { class: "rework-reason", text: r.failed.reason }));
  }
  if (r.comeback_of) box.append(el("p", { class: "rework-comeback", text: t("kiosk.sheet.comeback", { job: r.comeback_of }) }));
  return box;
}

// walkAround is what reception noted on the car with the customer: the
// damage already there (so nobody is blamed for it) and the notes.
function walkAround(w, pictures) {
  const rows = [];
  if (w.damage) rows.push(el("dt", { text: t("kiosk.sheet.damage") }), el("dd", { class: "damage", text: w.damage }));
  if (w.notes) rows.push(el("dt", { text: t("kiosk.sheet.notes") }), el("dd", { class: "walk-notes", text: w.notes }));
  return el("section", { class: "card list walk-around", id: "walk-around" }, el("h2", { text: t("kiosk.sheet.walk_around") }),
    rows.length ? el("dl", {}, rows) : pictures.length ? null : el("p", { class: "muted", text: t("kiosk.sheet.no_damage") }),
    pictures.length ? photoThumbs(pictures, photoSrc, { label: (p) => positionName(p.position) }) : null);
}

// shownPhotos are the job's photos of a kind still there to show, and of
// a finding when one is named.
function shownPhotos(job, kind, findingID) {
  return (job.photos || []).filter((p) => p.kind === kind && !p.removed_at && !p.expired_at && (!findingID || p.finding_id === findingID));
}

function photoSrc(p, thumb) {
  return `/api/v1/jobs/${encodeURIComponent(data.job.id)}/photos/${encodeURIComponent(p.id)}${thumb ? "?thumb=1" : ""}`;
}

// takesPhotos says whether the job still takes photos: the server
// decides who may (and says why not); a closed job takes none.
function takesPhotos(job) {
  return !["delivered", "cancelled"].includes(job.stage);
}

// findingPhotos are a finding's photos and, while it is open, the camera
// that adds more: the customer decides from them.
function findingPhotos(f) {
  const pictures = shownPhotos(data.job, "finding", f.id);
  const open = ["proposed", "awaiting", "approved"].includes(f.status) && takesPhotos(data.job);
  if (!pictures.length && !open) return null;
  return el("div", { class: "finding-photos" },
    pictures.length ? photoThumbs(pictures, photoSrc) : null,
    open ? photoPicker((files) => photos.add(files, { kind: "finding", finding_id: f.id, label: f.description }),
      { name: `finding-photo-${f.id}`, label: t("kiosk.photos.finding") }) : null);
}

// workPhotos are the photos of the work done (the old part beside the
// new), and the camera that takes them.
function workPhotos(job) {
  const pictures = shownPhotos(job, "work");
  // Work is photographed from dispatch on.
  const open = takesPhotos(job) && !["reception", "waiting_dispatch"].includes(job.stage);
  if (!pictures.length && !open) return null;
  return el("section", { class: "card list work-photos", id: "work-photos" }, el("h2", { text: t("kiosk.photos.work_title") }),
    pictures.length ? photoThumbs(pictures, photoSrc) : el("p", { class: "muted", text: t("kiosk.photos.work_hint") }),
    open ? photoPicker((files) => photos.add(files, { kind: "work", label: t("kiosk.photos.work_title") }), { name: "work-photo", label: t("kiosk.photos.work") }) : null);
}

function checkStep(step) {
  switch (step) {
    case "self":
      return t("kiosk.qc.step_self");
    case "team":
      return t("kiosk.qc.step_team");
    default:
      return t("kiosk.qc.step_final");
  }
}

function findingStatus(s) {
  switch (s) {
    case "approved":
      return t("kiosk.finding.approved");
    case "declined":
      return t("kiosk.finding.declined");
    case "withdrawn":
      return t("kiosk.finding.withdrawn");
    case "proposed":
      return t("kiosk.finding.proposed");
    default:
      return t("kiosk.finding.awaiting");
  }
}

function actions(d) {
  const box = el("section", { class: "actions", id: "actions" });
  const list = d.actions;
  if (!list.length) {
    box.append(el("p", { class: "hint", text: t("kiosk.job.nothing_to_do") }));
    return box;
  }
  // act adds the button of an action; data-action names it for tests and
  // for the scanner-only kiosks' styling.
  const act = (name, text, cls, fn) => {
    const b = button(text, cls, fn);
    b.dataset.action = name;
    box.append(b);
  };
  for (const a of list) {
    switch (a) {
      case "clock_on":
        // On a paused job clocking on is the one way to resume it.
        act(a, paused(d.job) ? t("kiosk.action.resume") : t("kiosk.action.clock_on"), "primary", clockOn);
        if (d.clocked_on_elsewhere) box.append(el("p", { class: "hint", text: t("kiosk.job.clock_elsewhere", { job: d.clocked_on_elsewhere }) }));
        break;
      case "clock_off":
        act(a, t("kiosk.action.clock_off"), "", () => give({ type: "clock_off", job_id: d.job.id, tech_id: d.technician_id }, t("kiosk.done.clock_off")));
        break;
      case "pause":
        act(a, t("kiosk.action.pause"), "warn", async () => openPanel(pauseReasons()));
        break;
      case "resume":
        act(a, t("kiosk.action.resume"), "primary", () => give({ type: "resume", job_id: d.job.id }, t("kiosk.done.resume")));
        break;
      case "finish":
        act(a, t("kiosk.action.finish"), "", async () => openPanel(selfCheck()));
        break;
      case "qc_team":
      case "qc_final": {
        const step = a === "qc_team" ? "team" : "final";
        if (step === "team") act(`${a}_pass`, t("kiosk.qc.team_pass"), "primary", async () => openPanel(teamCheckForm()));
        else act(`${a}_pass`, t("kiosk.qc.final_pass"), "primary", () => give({ type: "qc", job_id: d.job.id, step, pass: true }, t("kiosk.done.qc_pass")));
        act(`${a}_fail`, step === "team" ? t("kiosk.qc.team_fail") : t("kiosk.qc.final_fail"), "danger", async () => openPanel(failForm(step)));
        break;
      }
      case "wash_start":
        act(a, t("kiosk.wash.start"), "primary", () => give({ type: "start_wash", job_id: d.job.id }, t("kiosk.wash.started")));
        break;
      case "wash_done":
        act(a, t("kiosk.action.wash_done"), "primary", () => give({ type: "wash_done", job_id: d.job.id }, t("kiosk.done.wash_done")));
        break;
    }
  }
  return box;
}

function paused(job) {
  return ["paused", "waiting_parts", "waiting_approval"].includes(job.stage);
}

// teamCheckForm is the team leader's check (seed 002 §5): on passing it,
// the leader writes notes for the advisor (注意事项) and the work the car
// should have later (维修建议), each marked if it is a safety item; the
// recommendations become the car's, offered at its next visit.
function teamCheckForm() {
  const notes = labelled(t("kiosk.team.notes"), { name: "notes", rows: "3", maxlength: "2000" }, "textarea");
  const list = el("div", { class: "recommendations" });
  const addRow = () => {
    const what = labelled(t("kiosk.team.recommendation"), { name: "recommendation", maxlength: "500" }, "textarea");
    const safety = el("input", { type: "checkbox", name: "safety" });
    const row = el("div", { class: "recommendation" }, what.label, el("label", { class: "check" }, safety, el("span", { text: t("kiosk.recommend.safety") })));
    list.append(row);
    return what.input;
  };
  addRow();
  const more = el("button", { type: "button", class: "big", name: "add-recommendation", text: t("kiosk.team.add") });
  more.onclick = () => addRow().focus();
  const form = el("form", { class: "form", id: "team-check" }, el("h2", { text: t("kiosk.qc.team_pass") }), notes.label,
    el("h3", { text: t("kiosk.team.recommendations") }), list, more,
    el("button", { class: "big primary", type: "submit", text: t("kiosk.team.submit") }));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const recommendations = [...list.querySelectorAll(".recommendation")]
      .map((row) => ({ description: row.querySelector("textarea").value.trim(), safety: row.querySelector("input[name=safety]").checked }))
      .filter((r) => r.description);
    const ok = await give({ type: "qc", job_id: data.job.id, step: "team", pass: true, notes: notes.input.value.trim() || undefined,
      recommendations: recommendations.length ? recommendations : undefined }, t("kiosk.done.qc_pass"));
    // The car's history shows the recommendations just recorded.
    if (ok && recommendations.length) {
      await loadHistory();
      if (!panel) draw();
    }
  };
  return form;
}

// give sends a command; on success it says so, closes any panel and
// reloads the job.
async function give(body, done) {
  const from = panel;
  const res = await command(body);
  if (res.status === 401) {
    // The kiosk session ended while the form was open: sign in again.
    panel = null;
    await signIn();
    await load();
    return false;
  }
  if (!res.ok) {
    // A tap the server did not answer may be given again from the notice.
    failed(res, () => give(body, done));
    return false;
  }
  notice(done, "ok");
  // Close the form this command came from, not one opened meanwhile.
  if (panel === from) panel = null;
  await load();
  return true;
}

async function clockOn() {
  const other = data.clocked_on_elsewhere;
  const done = other ? t("kiosk.done.clock_on_moved", { job: other }) : paused(data.job) ? t("kiosk.done.resume") : t("kiosk.done.clock_on");
  await give({ type: "clock_on", job_id: data.job.id, tech_id: data.technician_id }, done);
}

function openPanel(content) {
  panel = content;
  const main = document.getElementById("main");
  const cancel = button(t("kiosk.cancel"), "quiet", async () => {
    panel = null;
    notice("");
    draw();
  });
  main.replaceChildren(jobCard(data), el("section", { class: "card panel", id: "panel" }, content, cancel));
  const first = main.querySelector("#panel input, #panel textarea");
  if (first) first.focus();
}

function pauseReasons() {
  const box = el("div", { class: "reasons" }, el("h2", { text: t("kiosk.pause.why") }));
  const reason = (name, text, fn) => {
    const b = button(text, "", fn);
    b.dataset.reason = name;
    box.append(b);
  };
  reason("waiting_parts", t("kiosk.pause.waiting_parts"), async () => openPanel(await partsForm()));
  reason("waiting_approval", t("kiosk.pause.waiting_approval"), async () => openPanel(await findingForm()));
  reason("break", t("kiosk.pause.break"), () => give({ type: "pause", job_id: data.job.id, reason: "break" }, t("kiosk.done.pause")));
  reason("other", t("kiosk.pause.other"), async () => openPanel(otherForm()));
  return box;
}

function otherForm() {
  const note = labelled(t("kiosk.pause.note"), { name: "note", required: true, rows: "3", maxlength: "500" }, "textarea");
  const form = el("form", { class: "form" }, el("h2", { text: t("kiosk.pause.other") }), note.label,
    el("button", { class: "big warn", type: "submit", text: t("kiosk.pause.submit") }));
  form.onsubmit = (ev) => {
    ev.preventDefault();
    give({ type: "pause", job_id: data.job.id, reason: "other", note: note.input.value.trim() }, t("kiosk.done.pause"));
  };
  return form;
}

// findParts asks the shop's catalogue for the parts in use that match q
// (number, name or pinyin initials), the first few: a dealer's list runs
// to tens of thousands of numbers, too many to hand a phone.
async function findParts(q, limit) {
  const res = await api("GET", `/api/v1/catalog-parts?active=true&limit=${limit}&q=${encodeURIComponent(q)}`);
  return res.ok ? res.data.items : [];
}

// partPicker is a list of parts the person builds: pick from the shop's
// catalogue by name or number, offered as they type, or type a part that
// is not in it.
async function partPicker() {
  const listID = "catalog-parts";
  const datalist = el("datalist", { id: listID });
  const name = labelled(t("kiosk.parts.part"), { name: "part", list: listID, maxlength: "200", autocomplete: "off" });
  let offered = []; // the parts the list offers for what is typed now
  let asked = 0; // the latest search; an older answer is dropped
  const offer = async () => {
    const n = ++asked;
    const found = await findParts(name.input.value.trim(), 20);
    if (n !== asked) return;
    offered = found;
    datalist.replaceChildren(...offered.map((p) => el("option", { value: p.name, label: p.number })));
  };
  name.input.addEventListener("input", offer);
  name.input.addEventListener("focus", offer, { once: true });
  const qty = labelled(t("kiosk.parts.quantity"), { name: "quantity", type: "number", min: "0.1", step: "any", value: "1", inputmode: "decimal" });
  const chosen = [];
  const list = el("ul", { class: "chosen" });
  const redraw = () => {
    list.replaceChildren(...chosen.map((p, i) => {
      const remove = el("button", { type: "button", class: "quiet small", text: t("kiosk.parts.remove") });
      remove.onclick = () => {
        chosen.splice(i, 1);
        redraw();
        picker.onchange?.();
      };
      return el("li", {}, el("span", { class: "grow", text: `${p.name}${p.number ? " · " + p.number : ""} ×${p.quantity}` }), remove);
    }));
  };
  const add = el("button", { type: "button", class: "big", name: "add", text: t("kiosk.parts.add") });
  // addTyped adds the part in the fields; a form's submit calls it too, so
  // that a part typed but not added is not lost. A name or number typed
  // faster than the list was offered is looked up before it is taken as a
  // part the catalogue does not have.
  const addTyped = async (quiet) => {
    const typed = name.input.value.trim();
    const quantity = parseFloat(qty.input.value);
    if (!typed || !(quantity > 0)) {
      if (!quiet) notice(t("kiosk.parts.need_name"), "error");
      return;
    }
    const same = (p) => p.name === typed || p.number === typed;
    const known = offered.find(same) || (await findParts(typed, 5)).find(same);
    chosen.push({ name: known ? known.name : typed, number: known ? known.number : "", quantity });
    name.input.value = "";
    qty.input.value = "1";
    notice("");
    redraw();
    picker.onchange?.();
  };
  add.onclick = () => addTyped(false);
  const picker = { box: el("div", { class: "picker" }, datalist, name.label, qty.label, add, list), chosen, onchange: null, addTyped };
  return picker;
}

async function partsForm() {
  const picker = await partPicker();
  const open = data.parts_requests.some((p) => ["requested", "picked", "on_order"].includes(p.status));
  const form = el("form", { class: "form" }, el("h2", { text: t("kiosk.pause.waiting_parts") }), picker.box,
    el("button", { class: "big warn", type: "submit", text: t("kiosk.parts.submit") }));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    await picker.addTyped(true);
    if (!picker.chosen.length && !open) {
      notice(t("kiosk.parts.none_chosen"), "error");
      return;
    }
    const items = picker.chosen.map((p) => ({ number: p.number || undefined, description: p.name, quantity: p.quantity }));
    give({ type: "pause", job_id: data.job.id, reason: "waiting_parts", parts: items }, t("kiosk.done.parts"));
  };
  return form;
}

async function findingForm() {
  const what = labelled(t("kiosk.finding.what"), { name: "what", required: true, maxlength: "300" });
  const why = labelled(t("kiosk.finding.why"), { name: "why", rows: "2", maxlength: "500" }, "textarea");
  const hours = labelled(t("kiosk.finding.hours"), { name: "hours", type: "number", min: "0", max: "200", step: "0.1", value: "0", inputmode: "decimal", required: true });
  // The technician proposes the work; the price is the advisor's, who
  // prices it at the shop's rate and the catalogue's prices.
  const picker = await partPicker();
  const form = el("form", { class: "form" }, el("h2", { text: t("kiosk.pause.waiting_approval") }),
    what.label, why.label, hours.label, el("h3", { text: t("kiosk.finding.parts") }), picker.box,
    el("p", { class: "muted", text: t("kiosk.finding.priced_by_advisor") }),
    el("button", { class: "big warn", type: "submit", text: t("kiosk.finding.submit") }));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    await picker.addTyped(true);
    const finding = {
      description: what.input.value.trim(),
      why: why.input.value.trim() || undefined,
      hours: parseFloat(hours.input.value) || 0,
      parts: picker.chosen.map((p) => ({ number: p.number || undefined, name: p.name, quantity: p.quantity })),
    };
    const ok = await give({ type: "pause", job_id: data.job.id, reason: "waiting_approval", finding }, t("kiosk.done.finding"));
    // The finding just reported is brought under the thumb, its camera
    // ready: the customer decides from its photo.
    if (ok) [...document.querySelectorAll(".finding-proposed[data-finding]")].pop()?.scrollIntoView({ block: "center" });
  };
  return form;
}

// The self-check of seed 002 §10: the technician ticks each item before
// the job goes to the team leader.
const CHECKS = ["work_done", "parts_fitted", "fluids", "tools", "clean", "test"];

function checkText(id) {
  switch (id) {
    case "work_done":
      return t("kiosk.check.work_done");
    case "parts_fitted":
      return t("kiosk.check.parts_fitted");
    case "fluids":
      return t("kiosk.check.fluids");
    case "tools":
      return t("kiosk.check.tools");
    case "clean":
      // The covers by the shop's name for them, as reception says.
      return data?.cover_set === "five" ? t("kiosk.check.clean_five") : t("kiosk.check.clean");
    default:
      return t("kiosk.check.test");
  }
}

function selfCheck() {
  const submit = el("button", { class: "big primary", type: "submit", disabled: true, text: t("kiosk.check.submit") });
  const boxes = CHECKS.map((id) => el("input", { type: "checkbox", name: id }));
  const form = el("form", { class: "form checks" }, el("h2", { text: t("kiosk.check.title") }),
    ...CHECKS.map((id, i) => el("label", { class: "check" }, boxes[i], el("span", { text: checkText(id) }))),
    submit);
  form.onchange = () => (submit.disabled = !boxes.every((b) => b.checked));
  form.onsubmit = (ev) => {
    ev.preventDefault();
    give({ type: "finish", job_id: data.job.id, tech_id: data.technician_id, self_check: CHECKS }, t("kiosk.done.finish"));
  };
  return form;
}

function failForm(step) {
  const reason = labelled(t("kiosk.qc.reason"), { name: "reason", required: true, rows: "3", maxlength: "500" }, "textarea");
  const form = el("form", { class: "form" }, el("h2", { text: step === "team" ? t("kiosk.qc.team_fail") : t("kiosk.qc.final_fail") }), reason.label,
    el("p", { class: "hint", text: t("kiosk.qc.rework") }),
    el("button", { class: "big danger", type: "submit", text: t("kiosk.qc.fail_submit") }));
  form.onsubmit = (ev) => {
    ev.preventDefault();
    give({ type: "qc", job_id: data.job.id, step, pass: false, reason: reason.input.value.trim() }, t("kiosk.done.qc_fail"));
  };
  return form;
}

// Start once everything above is defined.
await boot({ title: () => t("kiosk.job.title"), onBadge: (badge) => switchPerson(badge) });
if (!(await me())) await signIn();
await load();
every(3000, () => {
  if (!panel) load();
});
