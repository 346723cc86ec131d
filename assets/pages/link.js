// The link to the server, as a page that sends actions sees it (the
// desk's and the kiosk's; the boards follow their feed instead).
//
// A call that cannot reach the server marks the link down. From then on
// the page asks /healthz, the lightest answer the server has, from half a
// second apart, doubling, to at most three seconds (each ±25 %), until it
// answers, or until any other call gets through; then the link is up
// again. The page's "cannot reach the server" banner follows the link, so
// it clears by itself once the server is back, within a few seconds.

const PROBE_MIN_MS = 500;
const PROBE_MAX_MS = 3000;

const listeners = [];
let down = false;
let attempt = 0;
let timer = null;

// onLinkChange calls fn(down) each time the link goes down or comes back.
export function onLinkChange(fn) {
  listeners.push(fn);
}

export function linkIsDown() {
  return down;
}

// linkDown says a call could not reach the server.
export function linkDown() {
  if (!down) {
    down = true;
    attempt = 0;
    tell();
  }
  probeLater();
}

// linkUp says the server answered (whatever it answered).
export function linkUp() {
  if (!down) return;
  down = false;
  clearTimeout(timer);
  timer = null;
  tell();
}

// probeDelay is the wait before the probe after attempt failed ones.
export function probeDelay(attempt, random = Math.random()) {
  const base = Math.min(PROBE_MAX_MS, PROBE_MIN_MS * 2 ** Math.min(attempt, 10));
  return base * (0.75 + random / 2);
}

function tell() {
  for (const fn of listeners) fn(down);
}

function probeLater() {
  if (timer !== null) return;
  timer = setTimeout(probe, probeDelay(attempt++));
}

async function probe() {
  timer = null;
  if (!down) return;
  try {
    const res = await fetch("/healthz", { cache: "no-store", credentials: "omit" });
    if (res.ok) {
      linkUp();
      return;
    }
  } catch (err) {
    // Still down: ask again a little later.
  }
  probeLater();
}
