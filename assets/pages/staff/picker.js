// A picker that searches as the person types: a text box and the list of
// what the server finds, for catalogues too long for a drop-down (a
// dealer's parts list runs to tens of thousands of numbers). Arrow keys
// move through the list, Enter or a click picks, Escape closes it. Only
// the latest answer is shown, however the requests overtake each other.
//
//   picker({ name, label, placeholder, empty, more,
//            search: (q) => Promise<{items, total}>, value: (item) => code,
//            text: (item) => string, onPick: (item) => void })
//
// empty is said when nothing matches; more(shown, total) when the list
// shows only the first of more matches.

import { el } from "./app.js";

if (!document.querySelector('link[href="/assets/staff/picker.css"]')) {
  document.head.append(el("link", { rel: "stylesheet", href: "/assets/staff/picker.css" }));
}

let pickers = 0;

export function picker(o) {
  const id = `picker-${++pickers}`;
  const input = el("input", {
    type: "search", name: o.name, autocomplete: "off", placeholder: o.placeholder, "aria-label": o.label,
    role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id,
  });
  const list = el("ul", { id, class: "picker-list", role: "listbox", hidden: true });
  const box = el("div", { class: "picker" }, input, list);
  let items = [];
  let total = 0;
  let active = -1;
  let asked = 0; // the number of the latest search; older answers are dropped

  async function search() {
    const n = ++asked;
    let page;
    try {
      page = await o.search(input.value.trim());
    } catch (e) {
      return; // the next keystroke asks again
    }
    if (n !== asked) return;
    items = page.items;
    total = page.total;
    active = items.length ? 0 : -1;
    draw();
  }

  function draw() {
    const rows = items.map((item, i) => el("li", {
      role: "option", id: `${id}-${i}`, "data-value": o.value(item), "aria-selected": i === active ? "true" : "false",
      onmousedown: (e) => { e.preventDefault(); pick(i); },
    }, o.text(item)));
    if (!items.length) rows.push(el("li", { class: "picker-none" }, o.empty));
    if (total > items.length) rows.push(el("li", { class: "picker-more" }, o.more(items.length, total)));
    list.replaceChildren(...rows);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    if (active >= 0) input.setAttribute("aria-activedescendant", `${id}-${active}`);
    else input.removeAttribute("aria-activedescendant");
  }

  // Closing drops the answers still to come: one that comes after the box
  // lost the focus would open the list over the next field.
  function close() {
    asked++;
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function pick(i) {
    const item = items[i];
    if (!item) return;
    input.value = "";
    close();
    o.onPick(item);
    input.focus();
  }

  input.addEventListener("input", search);
  input.addEventListener("focus", search);
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (list.hidden) return search();
      if (!items.length) return;
      active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      draw();
    } else if (e.key === "Enter") {
      e.preventDefault(); // picking is not sending the form
      if (!list.hidden && active >= 0) pick(active);
    } else if (e.key === "Escape" && !list.hidden) {
      e.preventDefault();
      close();
    }
  });
  return box;
}
