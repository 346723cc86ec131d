// The list of boards, for whoever sets a TV up.

import { loadCatalog, t, translate } from "../i18n.js";

await loadCatalog(document.documentElement.lang);
translate(document);
for (const a of document.querySelectorAll("a[data-view]")) {
  a.textContent = t(`view.${a.dataset.view}`);
}
document.title = t("index.title");
