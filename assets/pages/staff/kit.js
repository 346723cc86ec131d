// Pieces the manager's admin pages and the desk's dispatch and KPI pages
// share: labelled form controls, a list beside the form that edits its
// rows, dates for the period pickers (from the pages' shared kit,
// ../kit/format.js), and small SVG charts (bars and gauges) drawn here,
// with no library. Every word shown is passed in by
// the page, already translated, except the names of the kinds of bay,
// which two pages share.

import { api, el, form, notice, start, t } from "./app.js";
import { isoDate, daysAgo } from "../kit/format.js";

export { isoDate, daysAgo };

// The kit's stylesheet, added once by the first page that imports it.
if (!document.querySelector('link[href="/assets/staff/kit.css"]')) {
  document.head.append(el("link", { rel: "stylesheet", href: "/assets/staff/kit.css" }));
}

// bayKinds lists the kinds of bay as [value, name] pairs, in the order
// the forms offer them (shop.BayKinds).
export function bayKinds() {
  return [
    ["quick_service", t("admin.kind.quick_service")],
    ["general", t("admin.kind.general")],
    ["alignment", t("admin.kind.alignment")],
    ["diagnosis", t("admin.kind.diagnosis")],
    ["body", t("admin.kind.body")],
    ["paint", t("admin.kind.paint")],
    ["wash", t("admin.kind.wash")],
  ];
}

// startAdmin starts an admin page. The pages are the manager's: anyone
// else who opens one is told so (the API refuses them anyway).
export function startAdmin(draw) {
  return start("admin", async (main, ctx) => {
    if (!ctx.user.roles.includes("manager")) {
      main.append(el("p", { class: "error", id: "managers-only" }, t("admin.managers_only")));
      return;
    }
    await draw(main, ctx);
  });
}

// setupPage is the admin page where a setup step is taken, or where a
// gap is mended: the base URL is one of the settings.
export function setupPage(step, gap) {
  if (gap === "no_base_url") return "/admin/settings";
  return step === "screens" ? "/admin/devices" : `/admin/${step}`;
}

// setupWarnings is a box that warns of what a setup step still lacks (of
// the gaps named in only, when given), as the server decides; box.refresh()
// asks again after a change.
export function setupWarnings(step, only) {
  const box = el("div", { class: "setup-warnings", id: "setup-warnings", role: "status" });
  box.refresh = async () => {
    const { steps } = await api("GET", "/api/v1/setup");
    const missing = (steps.find((s) => s.step === step)?.missing || []).filter((m) => !only || only.includes(m.gap));
    box.replaceChildren(
      ...missing.map((m) => {
        const text = t(`admin.setup.gap.${m.gap}`, { name: m.name || "" });
        const here = setupPage(step, m.gap) === location.pathname;
        return el("p", { class: "notice warn", dataset: { gap: m.gap } }, here ? text : el("a", { href: setupPage(step, m.gap) }, text));
      }),
    );
  };
  return box;
}

// field labels a control. The label sits in a cell of its own, so that
// the field's error, shown after the label, stays in the same cell of a
// grid.
export function field(label, control, attrs = {}) {
  return el("div", { class: "cell" }, el("label", attrs, el("span", {}, label), control));
}

export function input(name, value, attrs = {}) {
  const i = el("input", { name, ...attrs });
  i.value = value ?? "";
  return i;
}

// select offers [value, label] pairs.
export function select(name, options, value, attrs = {}) {
  const s = el("select", { name, ...attrs }, options.map(([v, l]) => el("option", { value: v }, l)));
  s.value = value ?? "";
  return s;
}

export function check(name, label, checked, attrs = {}) {
  const i = el("input", { type: "checkbox", name, ...attrs });
  i.checked = !!checked;
  return el("label", { class: "check" }, i, el("span", {}, label));
}

// checks is a group of checkboxes sharing a name, one per [value, label];
// data-field lets a refusal of the whole group show next to it.
export function checks(name, options, chosen = [], field = name) {
  return el(
    "div",
    { class: "checks", "data-field": field, tabindex: -1 },
    options.map(([v, l]) => {
      const i = el("input", { type: "checkbox", name, value: v });
      i.checked = chosen.includes(v);
      return el("label", { class: "check" }, i, el("span", {}, l));
    }),
  );
}

// checked lists the values of a checkbox group that are ticked.
export function checked(f, name) {
  return Array.from(f.querySelectorAll(`input[name="${name}"]:checked`), (i) => i.value);
}

export function table(heads, rows, attrs = {}) {
  return el(
    "table",
    { class: "table", ...attrs },
    el("thead", {}, el("tr", {}, heads.map((h) => (h instanceof Node ? h : el("th", {}, h))))),
    el("tbody", {}, rows),
  );
}

// cells wraps what is not a <td> already.
function cells(values) {
  return values.map((v) => (v instanceof Node && v.tagName === "TD" ? v : el("td", {}, v)));
}

// editor draws a list beside a form. The form starts empty, for a new
// item; choosing a row (a click, or Enter on the focused row) fills it to
// change that one, and the new button empties it again. A save empties
// the form too, ready for the next item, and marks the saved row in the
// list: typing on after a save makes a new item, never a change to the
// one just saved. The saved (or refused) message is said above the form,
// in the flow, so that it covers nothing. o: {title, newLabel, savedText,
// heads, load() → items, id(item), row(item) → cells,
// formTitle(item|null), fields(item|null) → controls, send(item|null,
// form, key) → the answer, savedId(answer)}.
export function editor(main, o) {
  const list = el("div", { class: "editor-list" });
  const side = el("div", { class: "editor-form card" });
  let items = [];
  let current = null;
  let saved = null; // the id of the item saved last, marked in the list
  const newButton = el("button", { type: "button", class: "primary", id: o.newId || "new", onclick: () => edit(null) }, o.newLabel);
  main.append(
    el("div", { class: "toolbar" }, el("h1", {}, o.title), newButton, o.tools || null),
    el("div", { class: "split" }, list, side),
  );

  // A page of a setup step warns of what the step still lacks, and asks
  // again whenever its list is reloaded after a change.
  if (o.warnings && !o.warnings.isConnected) main.prepend(o.warnings);

  async function reload(selectId) {
    [items] = await Promise.all([o.load(), o.warnings?.refresh()]);
    if (selectId !== undefined) current = items.find((i) => o.id(i) === selectId) || null;
    drawList();
  }

  function drawList() {
    const rows = items.map((item) => {
      const pick = () => edit(item);
      return el(
        "tr",
        {
          tabindex: 0,
          class: current && o.id(current) === o.id(item) ? "selected" : o.id(item) === saved ? "saved" : null,
          dataset: { id: o.id(item) },
          onclick: pick,
          onkeydown: (e) => e.key === "Enter" && pick(),
        },
        cells(o.row(item)),
      );
    });
    list.replaceChildren(table(o.heads, rows));
  }

  function edit(item, focus = true, said = null) {
    current = item;
    if (item) saved = null;
    drawList();
    const f = el("form", { novalidate: true, class: "editor", dataset: { editing: item ? o.id(item) : "" } });
    f.append(el("h2", {}, o.formTitle(item)), ...o.fields(item), el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary" }, o.saveLabel)));
    form(
      f,
      (key) => o.send(item, f, key),
      async (out) => {
        saved = o.savedId ? o.savedId(out) : out?.event?.subject;
        current = null;
        await reload();
        edit(null, true, o.savedText);
      },
    );
    side.replaceChildren(...(said ? [el("p", { class: "notice ok", role: "status" }, said)] : []), f);
    if (focus) f.querySelector("input, select, textarea")?.focus();
  }

  return {
    async start() {
      await reload();
      edit(null, false);
    },
    reload,
    edit,
  };
}

export function percent(x) {
  return `${(100 * (x || 0)).toFixed(1)}%`;
}

// The SVG namespace, as the HTML parser gives it (no page spells out a
// web address, so that none is ever fetched by mistake).
const NS = (() => {
  const d = document.createElement("div");
  d.innerHTML = "<svg></svg>";
  return d.firstChild.namespaceURI;
})();

// svg builds an SVG element the way el builds HTML.
export function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// bars draws horizontal bars: rows [{label, value, text, tone}] scaled to
// max (the largest value, or at least 1 when the values are rates), with
// an optional dashed line at mark (a target). Each row is one <g> with a
// <title> so a pointer shows its figure.
export function bars(rows, { max, mark, width = 560, label = "" } = {}) {
  const rowH = 24;
  const left = 120;
  const right = 150;
  const top = 6;
  const h = top + rows.length * rowH + 6;
  const top_ = Math.max(max ?? 0, mark ?? 0, ...rows.map((r) => r.value || 0)) || 1;
  const scale = (v) => ((width - left - right) * Math.max(0, v || 0)) / top_;
  const g = rows.map((r, i) => {
    const y = top + i * rowH;
    return svg(
      "g",
      { class: `bar ${r.tone || ""}` },
      svg("title", {}, `${r.label}: ${r.text}`),
      svg("text", { x: left - 6, y: y + 16, "text-anchor": "end", class: "bar-label" }, r.label),
      svg("rect", { x: left, y: y + 4, width: (width - left - right).toFixed(1), height: rowH - 8, class: "bar-track", rx: 3 }),
      svg("rect", { x: left, y: y + 4, width: scale(r.value).toFixed(1), height: rowH - 8, class: "bar-fill", rx: 3 }),
      svg("text", { x: width - right + 8, y: y + 16, class: "bar-text" }, r.text),
    );
  });
  const markLine =
    mark === undefined
      ? null
      : svg("line", { x1: left + scale(mark), x2: left + scale(mark), y1: 2, y2: h - 2, class: "bar-mark" });
  return svg("svg", { viewBox: `0 0 ${width} ${h}`, width, height: h, class: "chart bars", role: "img", "aria-label": label }, g, markLine);
}

// gauge draws a half-circle dial for a rate (0–1), optionally with a
// target tick; tone colours it (green, yellow, red).
export function gauge(value, { target, tone = "", label = "", text = "" } = {}) {
  const w = 150;
  const r = 60;
  const cx = w / 2;
  const cy = 70;
  const at = (x) => {
    const a = Math.PI * (1 - Math.min(1, Math.max(0, x)));
    return [cx + r * Math.cos(a), cy - r * Math.sin(a)];
  };
  const arc = (x) => {
    const [ex, ey] = at(x);
    return `M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${ex.toFixed(2)} ${ey.toFixed(2)}`;
  };
  const parts = [
    svg("title", {}, `${label}: ${text}`),
    svg("path", { d: arc(1), class: "gauge-track" }),
    value > 0 ? svg("path", { d: arc(value), class: "gauge-fill" }) : null,
    svg("text", { x: cx, y: cy - 8, "text-anchor": "middle", class: "gauge-text" }, text),
  ];
  if (target !== undefined) {
    const [x1, y1] = at(target);
    const a = Math.PI * (1 - target);
    parts.push(svg("line", { x1, y1, x2: x1 + 12 * Math.cos(a), y2: y1 - 12 * Math.sin(a), class: "gauge-mark" }));
  }
  return svg("svg", { viewBox: `0 0 ${w} 82`, width: w, height: 82, class: `chart gauge ${tone}`, role: "img", "aria-label": label }, parts);
}

// secretOnce shows a secret the server gives only once (an API token, a
// webhook's signing key) in box: a read-only field across the page with a
// copy button and a button that closes it for good. It is never fetched
// again. Copying uses the clipboard API where the browser allows it (a
// secure page, a permission); otherwise, as on the shop's plain-HTTP
// address, it copies the selection; failing both, the secret stays
// selected for Ctrl+C. words are the page's texts: label, title, once,
// copy, done, copied, copyFailed; name is the field's.
export function secretOnce(box, name, secret, id, words) {
  const value = input(name, secret, {
    readonly: true,
    class: "secret",
    size: secret.length + 4,
    spellcheck: "false",
    autocomplete: "off",
    "aria-label": words.label,
    onfocus: (e) => e.target.select(),
  });
  async function copy() {
    value.select();
    let copied = false;
    try {
      await navigator.clipboard.writeText(value.value);
      copied = true;
    } catch (e) {
      copied = document.execCommand("copy");
    }
    if (copied) notice(words.copied, "ok");
    else notice(words.copyFailed, "warn");
  }
  box.replaceChildren(
    el(
      "div",
      { class: "card", dataset: { id } },
      el("h2", {}, words.title),
      el("p", { class: "error", role: "alert" }, words.once),
      el(
        "div",
        { class: "toolbar" },
        value,
        el("button", { type: "button", class: "primary", onclick: copy }, words.copy),
        el("button", { type: "button", onclick: () => box.replaceChildren() }, words.done),
      ),
    ),
  );
  value.focus();
}
