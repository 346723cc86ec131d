// Every word a screen shows comes from a message catalog, zh-CN or en;
// none is written into a page or a script. A test checks that every key
// used here and in the screens is in both catalogs.

//
// The shared catalog (i18n/{lang}.json) holds what every screen says; an
// area of pages (kiosk, staff …) keeps its own words in
// i18n/{area}/{lang}.json, every key starting with "{area}.", so that
// areas never collide.

let catalog = {};
let language = "zh-CN";
let loaded;
const whenLoadedPromise = new Promise((resolve) => (loaded = resolve));

// whenLoaded resolves when the page's catalog is loaded: a second module
// of a page (the group's band over a store's board) waits for the one
// that loads it rather than loading its own over it.
export function whenLoaded() {
  return whenLoadedPromise;
}

async function fetchCatalog(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

// loadCatalog loads the shared catalog of a language and those of the
// areas named: loadCatalog("en", "staff", "desk").
export async function loadCatalog(lang, ...areas) {
  language = lang === "en" ? "en" : "zh-CN";
  const parts = [fetchCatalog(`/assets/i18n/${language}.json`)];
  for (const area of areas) parts.push(fetchCatalog(`/assets/i18n/${area}/${language}.json`));
  catalog = Object.assign({}, ...(await Promise.all(parts)));
  document.documentElement.lang = language;
  loaded();
  return language;
}

export function lang() {
  return language;
}

// has says whether the catalog holds a key.
export function has(key) {
  return key in catalog;
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

// translate fills every element with data-i18n="key" with its message,
// and sets the placeholder, title and aria-label of those that name one
// with data-i18n-placeholder, data-i18n-title and data-i18n-label.
export function translate(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
  const attrs = { i18nPlaceholder: "placeholder", i18nTitle: "title", i18nLabel: "aria-label" };
  for (const [data, attr] of Object.entries(attrs)) {
    const sel = "[data-" + data.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()) + "]";
    for (const el of root.querySelectorAll(sel)) el.setAttribute(attr, t(el.dataset[data]));
  }
}
