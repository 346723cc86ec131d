// What every board screen shares: the catalog, the feed, the shop's clock,
// the link notice, time formats and paging. A board module only says how
// to draw its view: startScreen(draw, options).

import { Feed } from "../feed.js";
import { loadCatalog, t, translate } from "../i18n.js";
import { el, plate } from "../kit/dom.js";
import { formatter, time, day, setZone } from "../kit/format.js";

export { t, el, plate };

// Messages whose key is built from a value the server sends (a stage, a
// flag, a phase…). The catalog test lists every value these can take.
export const stageName = (s) => t(`stage.${s}`);
// pauseText says why a job is paused: the reason, and the technician's
// note as written.
export const pauseText = (p) => (p.note ? `${t(`pause.${p.reason}`)} · ${p.note}` : t(`pause.${p.reason}`));
export const flagName = (f) => t(`flag.${f}`);
export const viewName = (v) => t(`view.${v}`);

class Screen {
  constructor(view, draw, options) {
    this.view = view;
    this.draw = draw;
    this.options = Object.assign({ pageEveryMs: 10000 }, options);
    this.model = null;
    this.clockAt = null; // the shop's time at the last beat, and when it came
    this.clockLocal = 0;
    this.tick = 0;
    this.pending = false;
    this.pagesSeen = {};
    this.main = document.getElementById("main");
    this.linkBox = document.getElementById("link");
    this.linkText = document.getElementById("link-text");
    this.clockBox = document.getElementById("clock");
    this.figures = document.getElementById("figures");
    this.feed = new Feed(view, {
      onModel: (model) => this.onModel(model),
      onStatus: (status, since) => this.onStatus(status, since),
      onBeat: (now) => this.onBeat(now),
    });
  }

  start() {
    this.feed.start();
    setInterval(() => this.showClock(), 1000);
    setInterval(() => {
      this.tick++;
      this.schedule();
    }, this.options.pageEveryMs);
  }

  onModel(model) {
    this.model = model;
    if (model.head) {
      setZone(model.head.tz);
      document.getElementById("shop").textContent = model.head.shop || "";
      this.showClock();
    }
    this.schedule();
  }

  // data-heard is the shop's time the feed last carried (a beat or a
  // change): a test waits for the next one rather than for time to pass.
  onBeat(now) {
    document.body.dataset.heard = now;
    this.clockAt = Date.parse(now);
    this.clockLocal = Date.now();
    this.showClock();
  }

  // now is the shop's time: the last beat plus the time since. In the
  // demo the shop's clock runs faster than the wall's; beats keep it right.
  now() {
    if (this.clockAt === null) return new Date();
    return new Date(this.clockAt + (Date.now() - this.clockLocal));
  }

  showClock() {
    this.clockBox.textContent = this.time(this.now());
  }

  onStatus(status, since) {
    const down = status === "offline";
    document.body.classList.toggle("stale", down);
    this.linkBox.hidden = !down;
    if (down) {
      const heard = this.clockAt === null ? null : this.time(new Date(this.clockAt));
      this.linkText.textContent = heard ? t("link.down_since", { time: heard }) : t("link.down");
    }
  }

  schedule() {
    if (this.pending || !this.model) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  // data-drawn says a frame has been drawn: a test waits for it rather
  // than for time to pass.
  render() {
    this.draw(this.model, this);
    document.body.dataset.drawn = "ok";
  }

  // figures fills the header with the view's big numbers:
  // [{key, value, tone}], tone one of "", "red", "yellow", "green".
  setFigures(items) {
    this.figures.replaceChildren(
      ...items.map((f) =>
        el("div", { class: `figure ${f.tone || ""}` }, el("b", { text: f.value }), el("span", { text: t(f.key) })),
      ),
    );
  }

  // time shows a moment as 10:45 in the shop's zone (the feed names it).
  time(d) {
    return time(d);
  }

  day(d) {
    return day(d);
  }

  // at shows a time the server sent: 10:45 today, "tomorrow 09:00" or the
  // date otherwise; "" for none.
  at(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    const today = this.day(this.now());
    const that = this.day(d);
    if (that === today) return this.time(d);
    const tomorrow = this.day(new Date(this.now().getTime() + 86400000));
    if (that === tomorrow) return t("time.tomorrow", { time: this.time(d) });
    return formatter({ month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
  }

  // minutesSince is how long ago a time was, in whole minutes.
  minutesSince(iso) {
    if (!iso) return 0;
    return Math.max(0, Math.floor((this.now() - new Date(iso)) / 60000));
  }

  // page shows one page of a list, turning pages on the screen's timer so
  // that a board never scrolls. It returns the items to draw and a label
  // such as "1/3" ("" when everything fits).
  page(name, items, perPage) {
    perPage = Math.max(1, perPage);
    const pages = Math.max(1, Math.ceil(items.length / perPage));
    const seen = this.pagesSeen[name];
    if (!seen || seen.pages !== pages) {
      // The number of pages changed: start again at the first.
      this.pagesSeen[name] = { pages, from: this.tick };
    }
    const index = (this.tick - this.pagesSeen[name].from) % pages;
    const turned = this.pagesSeen[name].index !== undefined && this.pagesSeen[name].index !== index;
    this.pagesSeen[name].index = index;
    return {
      items: items.slice(index * perPage, (index + 1) * perPage),
      label: pages > 1 ? t("screen.page", { page: index + 1, pages }) : "",
      // turned is true when this draw shows a new page, for a gentle fade.
      turned,
    };
  }

  // fits is how many rows of a CSS height (a custom property in rem, such
  // as --row) fit in a box, so that paging follows the screen's size.
  fits(box, property) {
    const style = getComputedStyle(box);
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
    const row = parseFloat(style.getPropertyValue(property)) * rem;
    const gap = parseFloat(style.rowGap) || 0;
    if (!row || !box.clientHeight) return 1;
    return Math.max(1, Math.floor((box.clientHeight + gap) / (row + gap)));
  }
}

// startScreen loads the catalog for the screen's language (?lang=, the
// screen's own, or the shop's, as the server picked it), with the areas'
// the page names in data-areas (the group's drill-down: "group"), and
// starts the feed.
export async function startScreen(draw, options) {
  const root = document.documentElement;
  const view = root.dataset.view;
  await loadCatalog(root.lang, ...(root.dataset.areas || "").split(" ").filter(Boolean));
  translate(document);
  document.getElementById("title").textContent = viewName(view);
  document.title = viewName(view);
  const screen = new Screen(view, draw, options);
  screen.start();
  return screen;
}
