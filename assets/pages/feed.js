// The live feed of one board view, shared by every screen.
//
// The server sends a snapshot of the view on connect, then each change
// with the next seq; a view that did not change for a second gets a beat.
// Changes and beats carry the shop's clock. When
// the link drops, the screen keeps showing what it last knew, says so
// plainly, and reconnects by itself with a jittered backoff, sending the
// epoch and seq it holds: the server replays what was missed, or sends a
// fresh snapshot (after a restart, or when too much was missed). A change
// that does not follow the last seq means something was lost: the feed
// reconnects and resumes. Nothing here grows with time: rows live in maps
// replaced by snapshots and trimmed by removals.

// A link is down when nothing (not even a beat) was heard for this long.
const SILENCE_MS = 2500;
const WATCH_MS = 250;
// Backoff between attempts: from half a second, doubling, up to 3 s,
// each time ±50 %, so that forty TVs do not all knock at once after a
// restart, and yet none keeps saying its link is down for more than a
// few seconds after the server is back. Forty screens knocking every few
// seconds at a server that is down cost it nothing.
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 3000;

// backoff is the wait before the next attempt after attempt failed ones;
// random is in [0, 1).
export function backoff(attempt, random = Math.random()) {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt) * (0.5 + random);
}

export class Feed {
  // handlers: onModel(model, info), onStatus(status, since), onBeat(now)
  // path names the feed when a page has two (the group's band over a
  // store's board follows the group wall's); else the page's or the view's.
  constructor(view, handlers, path = "") {
    this.view = view;
    this.path = path;
    this.handlers = handlers;
    this.epoch = "";
    this.seq = 0;
    this.head = null;
    this.lists = new Map(); // name → {keys: [], rows: Map(key → row)}
    this.ws = null;
    this.attempt = 0;
    this.status = "connecting";
    this.downSince = null;
    this.lastHeard = 0;
    this.timer = null;
    this.watch = setInterval(() => this.checkSilence(), WATCH_MS);
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    // A page may name its feed (the group's drill-down into one store's
    // board, data-feed on <html>); a board's is its view's.
    const path = this.path || document.documentElement.dataset.feed || `/ws/board/${encodeURIComponent(this.view)}`;
    let u = `${scheme}//${location.host}${path}`;
    if (this.epoch) {
      u += `?epoch=${encodeURIComponent(this.epoch)}&seq=${this.seq}`;
    }
    return u;
  }

  start() {
    clearTimeout(this.timer);
    this.timer = null;
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (err) {
      this.down();
      return;
    }
    this.ws = ws;
    this.lastHeard = Date.now();
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      this.lastHeard = Date.now();
      // A message carries one envelope, or several one per line when the
      // screen had fallen a little behind.
      for (const line of ev.data.split("\n")) {
        if (!line) continue;
        let msg;
        try {
          msg = JSON.parse(line);
        } catch (err) {
          this.restart();
          return;
        }
        this.receive(msg);
        if (ws !== this.ws) return;
      }
    };
    ws.onclose = () => {
      if (ws === this.ws) this.down();
    };
    ws.onerror = () => {
      if (ws === this.ws) this.down();
    };
  }

  receive(msg) {
    // Beats and changes carry the shop's clock.
    if (msg.now) this.handlers.onBeat?.(msg.now);
    switch (msg.type) {
      case "beat":
        this.up();
        return;
      case "snapshot":
        this.epoch = msg.epoch;
        this.seq = msg.seq;
        this.head = msg.data.head;
        this.lists = new Map();
        for (const [name, rows] of Object.entries(msg.data.lists)) {
          const l = { keys: [], rows: new Map() };
          for (const row of rows) {
            l.keys.push(row.id);
            l.rows.set(row.id, row);
          }
          this.lists.set(name, l);
        }
        this.up();
        this.publish({ type: "snapshot", reason: msg.reason });
        return;
      case "resumed":
        if (msg.epoch !== this.epoch || msg.seq < this.seq) {
          this.epoch = "";
          this.restart();
          return;
        }
        this.up();
        this.publish({ type: "resumed", replayed: msg.data.replayed });
        return;
      case "change":
        if (msg.epoch !== this.epoch || msg.seq !== this.seq + 1) {
          this.restart();
          return;
        }
        this.apply(msg.data);
        this.seq = msg.seq;
        // Any message in order means the link is up.
        this.up();
        this.publish({ type: "change" });
        return;
    }
  }

  // apply follows the server's diff: removals, then new and changed rows,
  // then the order when it is given.
  apply(data) {
    if (data.head) this.head = data.head;
    for (const [name, d] of Object.entries(data.lists || {})) {
      const l = this.lists.get(name);
      if (!l) continue;
      if (d.remove) {
        const gone = new Set(d.remove);
        for (const k of d.remove) l.rows.delete(k);
        l.keys = l.keys.filter((k) => !gone.has(k));
      }
      for (const row of d.upsert || []) {
        if (!l.rows.has(row.id) && !d.order) l.keys.push(row.id);
        l.rows.set(row.id, row);
      }
      if (d.order) l.keys = d.order;
    }
  }

  model() {
    const lists = {};
    for (const [name, l] of this.lists) {
      lists[name] = l.keys.map((k) => l.rows.get(k));
    }
    return { head: this.head, lists };
  }

  publish(info) {
    this.handlers.onModel?.(this.model(), info);
  }

  up() {
    this.attempt = 0;
    if (this.status !== "online") {
      this.status = "online";
      this.downSince = null;
      this.handlers.onStatus?.("online", null);
    }
  }

  down() {
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close();
      } catch (err) {
        // already closed
      }
    }
    if (this.status !== "offline") {
      this.status = "offline";
      this.downSince = Date.now();
      this.handlers.onStatus?.("offline", this.downSince);
    }
    if (this.timer === null) {
      const wait = backoff(this.attempt);
      this.attempt = Math.min(this.attempt + 1, 10);
      this.timer = setTimeout(() => this.start(), wait);
    }
  }

  // restart drops the connection at once and reconnects, resuming from
  // the last seq applied.
  restart() {
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onmessage = ws.onclose = ws.onerror = null;
      ws.close();
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.start(), 100 + Math.random() * 400);
  }

  checkSilence() {
    if (this.ws && Date.now() - this.lastHeard > SILENCE_MS) {
      this.down();
    }
  }
}
