// Photos, for every page that takes or shows them (the kiosk's job page,
// the desk's reception and job view, the customer's page): the pickers
// (the phone's own camera app, or files on a desktop), each picked image
// made small in the browser, an upload queue that keeps the photo until
// the server has it, and thumbnails that open full size.
//
// A phone's photo is 3–8 MB; the workshop's Wi-Fi is slow and drops. So
// each image is drawn upright (its EXIF orientation applied) onto a
// canvas of at most 2048 px on its long edge and encoded as JPEG, the
// quality stepped down until it is at most ~500 KB. The server does the
// same again (and drops every tag), so this is for the Wi-Fi, not for
// privacy.
//
// The queue sends one photo at a time by XHR, whose upload progress a
// fetch cannot report, and shows it on the photo's thumbnail. A photo is
// kept in IndexedDB, keyed by its job, from the moment it is picked until
// the server answers 201: a lost connection or a server error (5xx) is
// tried again after a growing pause, and again at once when the browser
// is back online; a reload finds the photos still waiting and sends them.
// A refusal (4xx) is not tried again: the server's reason is shown on the
// thumbnail. An ended session parks the photo until the person signs in. Nothing here blocks the page: the technician keeps working.

import { t } from "../i18n.js";
import { el } from "./dom.js";
import { sessionToken } from "./api.js";
import { linkDown, linkUp } from "../link.js";

// LONG_EDGE and TARGET_BYTES are the server's own limits for a stored
// photo (imaging.DefaultLimits): sending more would only cost Wi-Fi.
const LONG_EDGE = 2048;
const TARGET_BYTES = 500 * 1024;
const QUALITIES = [0.85, 0.75, 0.65, 0.55, 0.45];
// RETRY_SECONDS are the pauses between tries of one photo; the last
// repeats.
const RETRY_SECONDS = [1, 2, 4, 8, 15, 30];

// The positions of the walk-around, in the order the pages show them
// (shop.PhotoPositions).
export const POSITIONS = ["front", "rear", "left", "right", "interior", "dashboard"];

let styled = false;

// style adds the photos' stylesheet once, whichever page asks first.
function style() {
  if (styled) return;
  styled = true;
  document.head.append(el("link", { rel: "stylesheet", href: "/assets/kit/photos.css" }));
}

// shrink draws an image upright at most LONG_EDGE on its long side and
// encodes it as JPEG of at most TARGET_BYTES. It throws on a file that is
// not an image the browser can read.
export async function shrink(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  try {
    let scale = Math.min(1, LONG_EDGE / Math.max(bitmap.width, bitmap.height));
    for (;;) {
      const w = Math.max(1, Math.round(bitmap.width * scale));
      const h = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      canvas.getContext("2d").drawImage(bitmap, 0, 0, w, h);
      for (const q of QUALITIES) {
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", q));
        if (blob && blob.size <= TARGET_BYTES) return blob;
      }
      // Even the lowest quality is too big (a very busy picture): smaller.
      scale *= 0.75;
    }
  } finally {
    bitmap.close();
  }
}

// The store of photos not yet acknowledged: IndexedDB, one record per
// photo with its job, what it is evidence of and its JPEG. Where the
// browser has no IndexedDB (a private window may refuse it) the queue
// still works, in memory only.
const DB = "bayboard-photos";
let dbOpen = null;

function db() {
  if (!dbOpen) {
    dbOpen = new Promise((resolve) => {
      let req;
      try {
        req = indexedDB.open(DB, 1);
      } catch (err) {
        resolve(null);
        return;
      }
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore("waiting", { keyPath: "key" });
        store.createIndex("job", "job");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
    });
  }
  return dbOpen;
}

async function stored(fn, mode) {
  const d = await db();
  if (!d) return null;
  return new Promise((resolve) => {
    const tx = d.transaction("waiting", mode);
    const req = fn(tx.objectStore("waiting"));
    tx.oncomplete = () => resolve(req ? req.result : null);
    tx.onerror = tx.onabort = () => resolve(null);
  });
}

const keep = (rec) => stored((s) => s.put(rec), "readwrite");
const forget = (key) => stored((s) => s.delete(key), "readwrite");
const waitingOf = async (job) => (await stored((s) => s.index("job").getAll(job), "readonly")) || [];

function newKey(job) {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return `${job}/${Date.now()}-${Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")}`;
}

// upload sends one photo and answers {status, body}: status 0 when the
// server could not be reached.
function upload(rec, onProgress) {
  return new Promise((resolve) => {
    const q = new URLSearchParams({ kind: rec.kind });
    if (rec.position) q.set("position", rec.position);
    if (rec.finding_id) q.set("finding_id", rec.finding_id);
    if (rec.caption) q.set("caption", rec.caption);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/jobs/${encodeURIComponent(rec.job)}/photos?${q}`);
    xhr.setRequestHeader("Content-Type", "image/jpeg");
    const csrf = sessionToken();
    if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.timeout = 120000;
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && ev.total > 0) onProgress(ev.loaded / ev.total);
    };
    xhr.onload = () => {
      linkUp();
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (err) {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = xhr.ontimeout = xhr.onabort = () => {
      linkDown();
      resolve({ status: 0, body: null });
    };
    xhr.send(rec.blob);
  });
}

// The queues of the page, one per job: a page that draws itself again
// asks for its job's queue again and gets the same one.
const queues = new Map();

// photoQueue is the upload queue of a job. options:
//   onStored(photo)  the server has stored a photo (shop.Photo): draw it
//   explain(status, problem)  a refusal in the reader's words (default:
//                    the server's detail)
// It answers { add(files, meta), view, resume(), pending() }: add shrinks
// and sends the files as photos of meta {kind, position, finding_id,
// caption, label}; view is the element with the photos on their way (put
// it on the page; it survives the page's redraws); resume sends again the
// photos parked by an ended session, once the person has signed in;
// pending counts the photos not yet stored (a step that would close the
// door on them, the customer's signature, waits for them).
export function photoQueue(job, options = {}) {
  if (queues.has(job)) {
    Object.assign(queues.get(job).options, options);
    return queues.get(job);
  }
  style();
  const view = el("ul", { class: "photo-queue", id: "photo-queue", "aria-live": "polite" });
  const waiting = []; // {rec, tile}, in the order picked
  let busy = false;
  let wake = null; // ends the pause before the next try
  let preparing = 0; // photos being made small, not yet in waiting
  const q = { options, view, add, resume, pending: () => preparing + waiting.length };
  queues.set(job, q);

  addEventListener("online", () => wake?.());

  // The photos a reload or a lost connection left waiting go first.
  waitingOf(job).then((recs) => {
    recs.sort((a, b) => a.at - b.at);
    for (const rec of recs) enqueue(rec);
    pump();
  });

  async function add(files, meta) {
    for (const file of files) {
      const tile = newTile(meta.label, null);
      view.append(tile.li);
      let blob;
      preparing++;
      try {
        blob = await shrink(file);
      } catch (err) {
        preparing--;
        tile.refused(t("photos.not_image", { name: file.name || "" }));
        continue;
      }
      const rec = { key: newKey(job), job, kind: meta.kind, position: meta.position || "", finding_id: meta.finding_id || "",
        caption: meta.caption || "", label: meta.label || "", blob, at: Date.now() };
      await keep(rec);
      tile.show(rec);
      waiting.push({ rec, tile });
      preparing--;
      pump();
    }
  }

  function enqueue(rec) {
    const tile = newTile(rec.label, rec);
    view.append(tile.li);
    waiting.push({ rec, tile });
  }

  function resume() {
    for (const w of waiting) w.parked = false;
    pump();
  }

  // pump sends the waiting photos one at a time, each until the server
  // has it or refuses it.
  async function pump() {
    if (busy) return;
    busy = true;
    try {
      for (;;) {
        const next = waiting.find((w) => !w.parked);
        if (!next) return;
        await sendOne(next);
      }
    } finally {
      busy = false;
    }
  }

  async function sendOne(w) {
    for (let attempt = 0; ; attempt++) {
      w.tile.state("sending");
      const res = await upload(w.rec, (f) => w.tile.progress(f));
      if (res.status === 201) {
        await forget(w.rec.key);
        waiting.splice(waiting.indexOf(w), 1);
        w.tile.li.remove();
        q.options.onStored?.(res.body);
        return;
      }
      if (res.status === 401 || (res.status === 403 && res.body?.code === "csrf")) {
        // The session ended (or another began in this browser): the photo
        // waits for the person to sign in.
        w.parked = true;
        w.tile.state("parked", t("photos.sign_in"));
        return;
      }
      // A refusal stands; a busy server (429) or a slow link (408) is tried
      // again, as a lost connection is.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        await forget(w.rec.key);
        waiting.splice(waiting.indexOf(w), 1);
        const explain = q.options.explain || ((status, p) => (p && (p.detail || p.title)) || `HTTP ${status}`);
        w.tile.refused(explain(res.status, res.body || {}));
        return;
      }
      const pause = RETRY_SECONDS[Math.min(attempt, RETRY_SECONDS.length - 1)];
      w.tile.state("retry", res.status === 0 ? t("photos.offline_retry", { s: pause }) : t("photos.server_retry", { s: pause }));
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, pause * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }

  return q;
}

// newTile is a photo on its way: its thumbnail, a progress bar and what
// is happening to it.
function newTile(label, rec) {
  const bar = el("progress", { max: "1", value: "0" });
  const status = el("span", { class: "photo-status", text: t("photos.preparing") });
  const li = el("li", { class: "photo-tile", "data-state": "preparing" }, bar, status, label ? el("span", { class: "photo-label", text: label }) : null);
  const tile = {
    li,
    show(r) {
      const url = URL.createObjectURL(r.blob);
      const img = el("img", { src: url, alt: label || "" });
      img.onload = () => URL.revokeObjectURL(url);
      li.prepend(img);
      tile.state("waiting");
    },
    state(name, text) {
      li.dataset.state = name;
      status.textContent = text || stateText(name);
      if (name === "sending") tile.progress(0);
    },
    progress(f) {
      bar.value = f;
      li.dataset.progress = String(Math.round(f * 100));
      if (li.dataset.state === "sending") status.textContent = t("photos.sending", { n: Math.round(f * 100) });
    },
    refused(text) {
      li.dataset.state = "refused";
      status.textContent = text;
      status.setAttribute("role", "alert");
      bar.remove();
      li.append(el("button", { type: "button", class: "photo-dismiss", "aria-label": t("photos.dismiss"), text: "✕", onclick: () => li.remove() }));
    },
  };
  if (rec) tile.show(rec);
  return tile;
}

function stateText(name) {
  switch (name) {
    case "sending":
      return t("photos.sending", { n: 0 });
    case "waiting":
      return t("photos.waiting");
    default:
      return t("photos.preparing");
  }
}

// photoPicker is the buttons that pick photos: the camera (on a phone,
// its own camera app; on a desktop, the file chooser) and, unless
// options.cameraOnly, files already taken. onFiles gets the files picked.
// name names the inputs for tests and forms.
export function photoPicker(onFiles, { name = "photo", label = t("photos.take"), multiple = true, cameraOnly = false } = {}) {
  style();
  const input = (attrs, text, cls) => {
    const i = el("input", { type: "file", accept: "image/*", multiple, class: "photo-input", ...attrs });
    i.addEventListener("change", () => {
      const files = [...i.files];
      i.value = "";
      if (files.length) onFiles(files);
    });
    return el("label", { class: `photo-pick button ${cls}` }, i, el("span", { text }));
  };
  return el("span", { class: "photo-picker" },
    input({ capture: "environment", name }, label, "primary"),
    cameraOnly ? null : input({ name: `${name}-file` }, t("photos.choose"), "quiet"));
}

// photoThumbs shows photos as thumbnails that open full size on a tap.
// src(photo, thumb) is the address of a photo's image; remove(photo),
// when given, adds a button that takes the photo back.
export function photoThumbs(photos, src, { remove, label } = {}) {
  style();
  return el("ul", { class: "photo-strip" }, photos.map((p) => {
    const alt = label ? label(p) : p.caption || "";
    const open = el("button", { type: "button", class: "photo-thumb", "data-photo": p.id, "aria-label": t("photos.open"),
      onclick: () => openFull(src(p, false), alt) },
    // The thumbnail keeps the photo's shape (a phone held upright takes
    // a tall one), its box drawn before it has loaded.
    el("img", { src: src(p, true), alt, loading: "lazy", style: p.width > 0 && p.height > 0 ? `aspect-ratio: ${p.width} / ${p.height}` : null }));
    return el("li", { "data-photo": p.id }, open, alt ? el("span", { class: "photo-label", text: alt }) : null,
      remove ? el("button", { type: "button", class: "photo-remove small quiet", "data-remove-photo": p.id, text: t("photos.remove"), onclick: () => remove(p) }) : null);
  }));
}

// openFull shows a photo full size over the page; a tap or Esc closes it.
export function openFull(src, alt) {
  style();
  const img = el("img", { src, alt: alt || "" });
  const box = el("div", { class: "photo-full", id: "photo-full", role: "dialog", "aria-label": alt || t("photos.open"), tabindex: "-1" },
    img, el("button", { type: "button", class: "photo-close", "aria-label": t("photos.close"), text: "✕" }));
  const close = () => {
    box.remove();
    removeEventListener("keydown", onKey);
  };
  const onKey = (ev) => {
    if (ev.key === "Escape") close();
  };
  box.addEventListener("click", close);
  addEventListener("keydown", onKey);
  document.body.append(box);
  box.focus();
  return box;
}

// positionName is a walk-around position in the reader's language.
export function positionName(position) {
  return POSITIONS.includes(position) ? t(`photos.position.${position}`) : position || "";
}
