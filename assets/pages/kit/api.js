// The API as every page that sends actions calls it (the staff's pages
// and the kiosk's): the session's CSRF token on every change, an
// Idempotency-Key on a command, the problem+json of a refusal, and the
// link to the server (link.js) marked down when a call cannot reach it
// and up when one is answered. What a page does with a refusal (throw
// it, show it, send someone to sign in) is the page's own.

import { linkDown, linkUp } from "../link.js";

let csrf = "";

// useSession keeps the CSRF token of the session the page is in (/me's,
// or the sign-in's answer), for the changes it sends next; "" forgets it.
export function useSession(token) {
  csrf = token || "";
}

// sessionToken is the CSRF token kept by useSession, for a change sent
// outside request (a photo's upload, an XHR for its progress).
export function sessionToken() {
  return csrf;
}

// request sends a call and answers {ok, status, data}: data is the JSON
// answer (or the problem document of a refusal), the text of an answer
// that is not JSON, and null for 204. A call that cannot reach the
// server answers status 0 with the problem code "offline". A body that
// is a file (a Blob) is sent as it is; anything else as JSON.
export async function request(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers }, credentials: "same-origin" };
  if (body instanceof Blob) {
    init.headers["Content-Type"] = "application/octet-stream";
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET" && csrf) init.headers["X-CSRF-Token"] = csrf;
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    linkDown();
    return { ok: false, status: 0, data: { code: "offline" } };
  }
  linkUp();
  let data = null;
  if (res.status !== 204) {
    const type = res.headers.get("Content-Type") || "";
    try {
      data = type.includes("json") ? await res.json() : await res.text();
    } catch (err) {
      data = null;
    }
  }
  return { ok: res.ok, status: res.status, data };
}

// newKey is a fresh idempotency key: a command sent again with the same
// key (a double tap, a retry after a lost answer) acts once.
export function newKey() {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

// sendCommand gives one command (POST /api/v1/commands); key, when
// given, makes a repeat act once.
export function sendCommand(cmd, key) {
  return request("POST", "/api/v1/commands", cmd, key ? { "Idempotency-Key": key } : {});
}
