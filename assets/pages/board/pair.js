// Pairing: a screen that may not show its board asks the server for a
// six-digit code, shows it big, and waits for a manager to approve it
// (POST /api/v1/devices/approve). The approval sets the screen's device
// cookie; the page then reloads into its board. A pending pairing is kept
// in localStorage, so a reload shows the same code rather than a new one.

import { loadCatalog, t, translate } from "../i18n.js";

const KEY = "bb_pairing";
const root = document.documentElement;
// How often to ask: 3 s, unless the server says (data-poll, set only when
// it runs with a test's shorter PagePoll).
const POLL_MS = Number(root.dataset.poll) || 3000;
const view = root.dataset.view;
const code = document.getElementById("code");
const status = document.getElementById("status");

await loadCatalog(root.lang);
translate(document);
document.title = t("pair.title");
const denied = document.getElementById("denied");
if (denied) {
  denied.textContent = t("pair.denied", { device: denied.dataset.device, view: t(`view.${view}`) });
}

function show(p) {
  code.textContent = `${p.code.slice(0, 3)} ${p.code.slice(3)}`;
  status.textContent = t("pair.waiting");
}

async function begin() {
  const res = await fetch("/api/v1/devices/pair", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: t("pair.device_name", { view: t(`view.${view}`) }), kiosk: false }),
  });
  if (!res.ok) throw new Error(`pair: ${res.status}`);
  const p = await res.json();
  localStorage.setItem(KEY, JSON.stringify(p));
  return p;
}

async function poll(p) {
  const res = await fetch(`/api/v1/devices/pair/${encodeURIComponent(p.device_id)}`, {
    headers: { "X-Pair-Secret": p.poll_secret },
    credentials: "same-origin",
  });
  if (res.status === 404) return "lost";
  if (!res.ok) throw new Error(`poll: ${res.status}`);
  const body = await res.json();
  return body.approved ? "approved" : "waiting";
}

async function run() {
  let p = null;
  try {
    p = JSON.parse(localStorage.getItem(KEY) || "null");
  } catch (err) {
    p = null;
  }
  for (;;) {
    try {
      if (!p) p = await begin();
      show(p);
      const state = await poll(p);
      if (state === "approved") {
        localStorage.removeItem(KEY);
        status.textContent = t("pair.approved");
        location.reload();
        return;
      }
      if (state === "lost") {
        localStorage.removeItem(KEY);
        p = null;
        continue;
      }
    } catch (err) {
      status.textContent = t("pair.offline");
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

run();
