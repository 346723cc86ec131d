// Building elements, for every page: the boards, the staff's pages and
// the kiosk's.

// el builds an element: el("td", {class: "x", text: "…", onclick: f,
// dataset: {id: "j1"}}, "text", child…). text sets the element's text,
// style its inline style, dataset its data- attributes, a function under
// an on… name listens for that event; true sets an empty attribute, and
// undefined, null and false leave the attribute out.
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "style") e.style.cssText = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// plate shows a licence plate. CJK fonts draw the separator of 京A·12345
// full width, which splits the plate in two from across the room; it is
// drawn in a Latin font instead.
export function plate(text, cls) {
  const at = text.indexOf("·");
  if (at < 0) return el("span", { class: cls, text });
  return el("span", { class: cls }, text.slice(0, at), el("span", { class: "plate-dot", text: "·" }), text.slice(at + 1));
}
