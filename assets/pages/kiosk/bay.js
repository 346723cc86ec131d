// A bay's kiosk page (/k/bay/{token}): sign in with a badge (scanned, or
// its code and PIN), then the car on this bay and the technician's own
// queue; tapping a job (or scanning its code) opens it.

import { boot, api, me, signIn, t, el, lang, jobCard, failed, tokenOf, every } from "./kiosk.js";
import { washSections, inspectionSection } from "./queue.js";

const token = tokenOf();
// The badge page comes back here after signing a technician in.
localStorage.setItem("bb.kiosk.home", location.pathname);

async function load() {
  const res = await api("GET", `/api/v1/kiosk/bay/${encodeURIComponent(token)}`);
  if (res.status === 401) {
    await signIn();
    return load();
  }
  if (!res.ok) {
    failed(res);
    return;
  }
  draw(res.data);
}

function draw(d) {
  document.getElementById("title").textContent = t("kiosk.bay.named", { bay: d.bay.name });
  if (d.wash) {
    // The wash bay holds no job of its own: the washer's page is its queue.
    const parts = [...washSections(d.wash, load)];
    if (d.inspections) parts.push(inspectionSection(d.inspections));
    document.getElementById("main").replaceChildren(...parts);
    return;
  }
  const here = d.job
    ? jobCard(d.job, { href: d.job_path })
    : el("p", { class: "card empty", text: t("kiosk.bay.free") });
  const parts = [el("section", { class: "here" }, el("h2", { text: t("kiosk.bay.on_bay") }), here)];
  if (d.technician) {
    const queue = d.queue.map((q) => jobCard(q, { href: q.path }));
    parts.push(el("section", { class: "queue" },
      el("h2", { text: t("kiosk.bay.queue", { n: queue.length }) }),
      queue.length ? queue : el("p", { class: "card empty", text: t("kiosk.bay.queue_empty") })));
  } else if (d.wash_bays) {
    // A washer at another bay's code: the wash's queue is at the wash bay's.
    parts.push(el("p", { class: "hint", id: "wash-elsewhere", text: d.wash_bays.length
      ? t("kiosk.bay.wash_elsewhere", { bays: d.wash_bays.join(lang() === "en" ? ", " : "、") })
      : t("kiosk.bay.no_wash_bay") }));
  } else if (!d.inspections) {
    parts.push(el("p", { class: "hint", text: t("kiosk.bay.not_technician") }));
  }
  // The inspector's queue is what they came for; a technician's own
  // jobs stay first on their phone.
  if (d.inspections) {
    if (d.technician) parts.push(inspectionSection(d.inspections));
    else parts.unshift(inspectionSection(d.inspections));
  }
  parts.push(el("p", { class: "hint", text: t("kiosk.bay.scan_hint") }));
  document.getElementById("main").replaceChildren(...parts);
}

// Start once everything above is defined.
await boot({ title: () => t("kiosk.bay.title"), onBadge: async (badgeToken) => { await signIn({ badgeToken }); await load(); } });
if (!(await me())) await signIn();
await load();
every(5000, load);
