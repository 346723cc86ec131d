// Every word a screen shows comes from a message catalog, zh-CN or en;
// none is written into a page or a script. A test checks that every key
// used here and in the screens is in both catalogs.

let catalog = {};
let language = "zh-CN";

export async function loadCatalog(lang) {
  language = lang === "en" ? "en" : "zh-CN";
  const res = await fetch(`/assets/i18n/${language}.json`);
  catalog = await res.json();
  document.documentElement.lang = language;
  return language;
}

export function lang() {
  return language;
}

// t returns a message with its {placeholders} filled in. A key missing
// from the catalog shows as itself, which the catalog test prevents.
export function t(key, params) {
  let s = catalog[key];
  if (s === undefined) {
    console.error("missing message", key);
    return key;
  }
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return s;
}

// translate fills every element with data-i18n="key" with its message.
export function translate(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
}
