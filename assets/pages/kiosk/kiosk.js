// What every kiosk page shares: the catalog, the API's answers as the
// pages read them, signing in (badge and PIN, or login and password), the
// keyboard-wedge scanner and notices; the element builder, the API client
// and the time and money formats are the pages' shared kit (../kit/). A
// page module calls boot() and then draws its object.
//
// Pages poll the kiosk API instead of following a board feed: the API
// answers this person's own slice (their queue, the actions their role
// allows now), which no board view carries, and a small answer every few
// seconds from a handful of phones costs the server nothing.

import { loadCatalog, t, translate, lang } from "../i18n.js";
import { el, plate } from "../kit/dom.js";
import { request, newKey, sendCommand, useSession } from "../kit/api.js";
import { when, money } from "../kit/format.js";
import { linkIsDown, onLinkChange } from "../link.js";

export { t, el, plate, lang, when, money };

const session = { user: null };

// tokenOf is the token of the page's own address (/k/job/{token}).
export function tokenOf() {
  return decodeURIComponent(location.pathname.split("/").pop());
}

// api calls the server and answers {ok, status, data}; data is the JSON
// answer or the problem document ({} for none).
export async function api(method, path, body, extra) {
  return answer(await request(method, path, body, extra));
}

function answer(res) {
  return { ok: res.ok, status: res.status, data: res.data && typeof res.data === "object" ? res.data : {} };
}

// A tap whose answer was lost (the Wi-Fi dropped) may be tapped again, and
// must act once: a command carries the same Idempotency-Key until the
// server has answered it, and the server answers a repeat with the first
// answer.
const keys = new Map();

// command gives one command (POST /api/v1/commands).
export async function command(body) {
  const id = JSON.stringify(body);
  if (!keys.has(id)) keys.set(id, newKey());
  const res = answer(await sendCommand(body, keys.get(id)));
  if (res.status !== 0) keys.delete(id);
  return res;
}

export function user() {
  return session.user;
}

// problemText says in the reader's language what went wrong.
export function problemText(p) {
  switch (p && p.code) {
    case "offline":
      return t("kiosk.error.offline");
    case "unauthorized":
      return t("kiosk.error.unauthorized");
    case "forbidden":
      return t("kiosk.error.forbidden");
    case "csrf":
      return t("kiosk.error.csrf");
    case "locked":
      return t("kiosk.error.locked");
    case "password_change_required":
      return t("kiosk.error.password_change_required");
    case "bad_link":
      return t("kiosk.error.bad_link");
    case "illegal_move":
    case "conflict":
      return t("kiosk.error.conflict");
    case "invalid":
      return t("kiosk.error.invalid");
    case "not_found":
      return t("kiosk.error.not_found");
    default:
      return t("kiosk.error.other");
  }
}

let noticeTimer = null;

// notice shows a message at the top until it is replaced or cleared;
// kind is "error" or "ok". It sits in the flow above the page, so it
// never covers what someone is typing; an error scrolls into view.
export function notice(text, kind) {
  resend = null;
  say(text, kind);
}

function say(text, kind) {
  const box = document.getElementById("notice");
  clearTimeout(noticeTimer);
  box.hidden = !text;
  box.textContent = text || "";
  box.className = `notice ${kind || "error"}`;
  delete box.dataset.link;
  if (text && kind === "ok") noticeTimer = setTimeout(() => notice(""), 4000);
  if (text && kind !== "ok" && box.getBoundingClientRect().top < 0) box.scrollIntoView({ block: "nearest" });
}

// resend gives again the action whose answer was lost when the link
// dropped (null when there is none). It sends the same command, so with
// the same Idempotency-Key: the server acts once, whether or not the
// first one reached it.
let resend = null;

// failed shows the problem of a failed call. A call that could not reach
// the server says so until the server answers again; again, when given,
// gives the failed action once more, and the notice offers it with a
// resend button, which stays after the link is back.
export function failed(res, again) {
  if (res.data && res.data.code === "offline") {
    if (again) resend = again;
    showLink();
    return;
  }
  notice(problemText(res.data), "error");
}

// showLink says the server cannot be reached, or, once it can, that the
// last action was not confirmed, with its resend button.
function showLink() {
  const box = document.getElementById("notice");
  const down = linkIsDown();
  if (!down && !resend) {
    say("");
    return;
  }
  say(down ? t("kiosk.error.offline") : t("kiosk.error.not_confirmed"), "error");
  box.dataset.link = down ? "down" : "back";
  if (resend) {
    const again = resend;
    box.append(button(t("kiosk.resend"), "resend", async () => {
      resend = null;
      say("");
      await again();
    }));
  }
}

// The link's notice follows the link: it clears by itself when the
// server answers again.
onLinkChange(() => {
  if (document.getElementById("notice")?.dataset.link) showLink();
});

function showWho() {
  const who = document.getElementById("who");
  const out = document.getElementById("signout");
  if (!who || !out) return;
  who.textContent = session.user ? session.user.name : "";
  out.hidden = !session.user;
}

// me asks who is signed in on this device; null when nobody.
export async function me() {
  const res = await api("GET", "/api/v1/me");
  if (!res.ok) {
    session.user = null;
    useSession("");
  } else {
    session.user = res.data.user;
    useSession(res.data.csrf);
  }
  showWho();
  return session.user;
}

export async function signOut() {
  await api("DELETE", "/api/v1/session");
  session.user = null;
  useSession("");
  showWho();
}

// signIn draws the sign-in card in main and resolves with the user once
// they are in. With a badge token (a scanned badge) it asks the PIN only.
// mode "badge" or "login" picks the first tab.
//
// Everyone waiting for a sign-in (the page's start, a poll that met a 401,
// a scanned badge) is answered by the one that succeeds; a poll does not
// redraw a form someone is typing into, and a scanned badge replaces it.
let waiting = [];
let showing = null; // the sign-in form on the page, if any

export function signIn({ badgeToken, mode } = {}) {
  const main = document.getElementById("main");
  const asked = new Promise((resolve) => waiting.push(resolve));
  if (!showing || !main.contains(showing) || badgeToken) {
    const { form, draw } = signInForm(badgeToken, mode);
    showing = form;
    main.replaceChildren(form);
    draw();
  }
  return asked;
}

// signedIn keeps the new session and answers everyone waiting for it.
function signedIn(answer) {
  session.user = answer.user;
  useSession(answer.csrf);
  showWho();
  showing = null;
  const all = waiting;
  waiting = [];
  for (const resolve of all) resolve(session.user);
}

function signInForm(badgeToken, mode) {
  let current = badgeToken ? "token" : mode || "badge";
  const error = el("p", { class: "form-error", role: "alert" });
  const form = el("form", { class: "card signin", autocomplete: "off" });
  const draw = () => {
    const fields = [];
    if (current === "token") {
      fields.push(el("p", { class: "lead", text: t("kiosk.signin.badge_scanned") }));
    }
    if (current === "badge") {
      fields.push(field(t("kiosk.signin.badge"), el("input", { name: "badge", required: true, autocapitalize: "characters", spellcheck: "false" })));
    }
    if (current === "login") {
      fields.push(field(t("kiosk.signin.login"), el("input", { name: "login", required: true, autocapitalize: "none", spellcheck: "false" })));
      fields.push(field(t("kiosk.signin.password"), el("input", { name: "password", type: "password", required: true })));
    } else {
      fields.push(field(t("kiosk.signin.pin"), el("input", { name: "pin", type: "password", inputmode: "numeric", pattern: "[0-9]*", maxlength: "8", required: true })));
    }
    const tabs = badgeToken
      ? null
      : el("div", { class: "tabs", role: "tablist" },
          tab("badge", t("kiosk.signin.with_badge")),
          tab("login", t("kiosk.signin.with_password")),
        );
    form.replaceChildren(
      ...[
        el("h1", { text: t("kiosk.signin.title") }),
        tabs,
        ...fields,
        error,
        el("button", { class: "big primary", type: "submit", text: t("kiosk.signin.submit") }),
        badgeToken ? null : el("p", { class: "hint", text: t("kiosk.signin.scan_hint") }),
      ].filter(Boolean),
    );
    form.querySelector("input").focus();
  };
  const tab = (name, label) => {
    const b = el("button", { type: "button", class: name === current ? "tab on" : "tab", role: "tab", "aria-selected": String(name === current), text: label });
    b.onclick = () => {
      current = name;
      error.textContent = "";
      draw();
    };
    return b;
  };
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const body = current === "login" ? { login: v.login.trim(), password: v.password } : { pin: v.pin };
    if (current === "badge") body.badge = v.badge.trim().toUpperCase();
    if (current === "token") body.badge_token = badgeToken;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const res = await api("POST", "/api/v1/session", body);
    button.disabled = false;
    if (!res.ok) {
      error.textContent = res.status === 401 ? t("kiosk.signin.wrong") : problemText(res.data);
      const pin = form.querySelector("input[name=pin], input[name=password]");
      if (pin) {
        pin.value = "";
        pin.focus();
      }
      return;
    }
    signedIn(res.data);
  };
  return { form, draw };
}

function field(text, input) {
  return el("label", { class: "field" }, el("span", { text }), input);
}

// input builds a labelled field; props go to the input element.
export function labelled(text, props, tag) {
  const input = el(tag || "input", props);
  return { label: field(text, input), input };
}

// A keyboard-wedge scanner types a code's URL a few milliseconds a
// character and ends it with Enter; people type ten times slower. When
// Enter ends keys that hold a kiosk or customer path typed at scanner
// speed on average, it is a scan, wherever the focus is: what it typed
// into a field is taken back out. The average, not each gap, decides, so
// that a busy tablet that stalls once mid-scan still reads the code.
const SCAN_AVERAGE_MS = 35;
const SCAN_PAUSE_MS = 1000; // a longer pause starts over
const SCANNED = /\/(k\/bay|k\/job|k\/badge|c)\/([A-Za-z0-9._~-]+)\s*$/;

export function listenForScans(onScan) {
  document.documentElement.dataset.scanner = "on";
  let typed = "";
  let times = [];
  // The field the keys went into, and its value before them: a field
  // that cut the scan short (a PIN's length) is put back as it was.
  let field = null;
  let before = "";
  document.addEventListener(
    "keydown",
    (ev) => {
      const now = performance.now();
      if (times.length && now - times[times.length - 1] > SCAN_PAUSE_MS) {
        typed = "";
        times = [];
      }
      if (!times.length) {
        field = ev.target && typeof ev.target.value === "string" ? ev.target : null;
        before = field ? field.value : "";
      }
      if (ev.key === "Enter") {
        const m = SCANNED.exec(typed);
        const start = m ? typed.lastIndexOf("http", m.index) : -1;
        const from = start >= 0 ? start : m ? m.index : 0;
        const fast = m && (now - times[from]) / (typed.length - from) < SCAN_AVERAGE_MS;
        const code = typed.slice(from);
        typed = "";
        times = [];
        if (!fast) return;
        ev.preventDefault();
        ev.stopPropagation();
        const into = field;
        const was = before;
        if (into) {
          setTimeout(() => {
            into.value = into.value.endsWith(code) ? into.value.slice(0, -code.length) : was;
          }, 0);
        }
        onScan({ kind: m[1].replace("k/", ""), token: m[2], path: `/${m[1]}/${m[2]}` });
        return;
      }
      if (ev.key.length === 1) {
        typed += ev.key;
        times.push(now);
        if (typed.length > 400) {
          typed = typed.slice(-200);
          times = times.slice(-200);
        }
      }
    },
    true,
  );
}

// show replaces what main shows; absent parts (null) are left out.
export function show(...parts) {
  document.getElementById("main").replaceChildren(...parts.flat().filter((p) => p !== null && p !== undefined && p !== false));
}

// boot loads the page's words and wires what every page has. onBadge, when
// given, takes a scanned badge on this page instead of opening the badge
// page.
export async function boot({ title, onBadge, scanner = true }) {
  await loadCatalog(document.documentElement.lang, "kiosk");
  translate(document);
  // title is a function: the catalog is loaded only now.
  document.getElementById("title").textContent = title();
  document.title = title();
  const out = document.getElementById("signout");
  if (out) {
    out.onclick = async () => {
      await signOut();
      location.reload();
    };
  }
  if (scanner) {
    listenForScans((scan) => {
      if (scan.kind === "badge" && onBadge) onBadge(scan.token);
      else location.assign(scan.path);
    });
  }
}

// every calls fn now and then every ms while the page is visible, and at
// once when it comes back into view. The server may say to ask more often
// (data-poll, set only when it runs with a test's shorter PagePoll).
export function every(ms, fn) {
  setInterval(() => {
    if (!document.hidden) fn();
  }, Number(document.documentElement.dataset.poll) || ms);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) fn();
  });
}

// stageText names a job's stage; a plain pause says why, with the
// technician's note as written.
export function stageText(job) {
  if (job.stage === "paused" && job.pause) {
    const reason = t(`pause.${job.pause.reason}`);
    return job.pause.note ? `${reason} · ${job.pause.note}` : reason;
  }
  return t(`stage.${job.stage}`);
}

// jobCard shows a job in a list or at the top of its page: plate, model,
// stage, bay, technicians, promised time and ETA.
export function jobCard(status, options = {}) {
  const job = status.job;
  const tag = options.href ? "a" : "div";
  return el(tag, { class: `card job stage-${job.stage}`, href: options.href, "data-job": job.id },
    el("div", { class: "job-top" }, plate(status.plate || job.id, "plate"), el("span", { class: "badge", text: stageText(job) })),
    el("div", { class: "job-line" }, el("span", { text: status.model }), el("span", { class: "muted", text: job.id })),
    el("div", { class: "job-line muted" },
      el("span", { text: status.bay ? t("kiosk.job.bay", { bay: status.bay }) : t("kiosk.job.no_bay") }),
      el("span", { text: status.techs && status.techs.length ? status.techs.join(" ") : "" }),
    ),
    el("div", { class: "job-times" },
      el("span", {}, el("small", { text: t("time.promised") }), " ", when(job.promised_at)),
      el("span", { class: status.progress && status.progress.at_risk ? "late" : "" }, el("small", { text: t("time.eta") }), " ", when(status.progress && status.progress.eta)),
    ),
  );
}

// button builds a big button with a handler that is not run twice at once.
export function button(text, cls, onClick) {
  const b = el("button", { type: "button", class: `big ${cls || ""}`, text });
  b.onclick = async () => {
    if (b.disabled) return;
    b.disabled = true;
    try {
      await onClick();
    } finally {
      b.disabled = false;
    }
  };
  return b;
}
