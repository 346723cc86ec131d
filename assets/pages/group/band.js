// The band over a store's board in the group's drill-down
// (/group/stores/{id}/board): it says at once that this is the group's
// copy of the store's board — the store's name, "read only", when the
// store was last heard from, in the wall's words and with the wall's
// silent mark — and leads back to the wall. Its freshness follows the
// group wall's own feed, so the band and the wall never disagree. The
// band holds a link and nothing else: nothing on the page acts on the
// store.

import { whenLoaded } from "../i18n.js";
import { Feed } from "../feed.js";
import { el } from "../kit/dom.js";
import { lastHeard, silentBadge } from "./heard.js";

const band = document.getElementById("group-band");
const store = document.documentElement.dataset.store;
const name = band.querySelector(".store-name");
const heard = document.getElementById("heard");

function show(row) {
  if (row.name) name.textContent = row.name;
  heard.textContent = lastHeard(row);
  band.classList.toggle("silent", row.silent === true);
  if (row.silent) heard.after(badge);
  else badge.remove();
  band.dataset.heard = "ok";
}

// The board's own module loads the catalog (the page names the group's
// area in data-areas); the band waits for it.
await whenLoaded();
const badge = silentBadge(el);
new Feed("group", {
  onModel: (model) => show((model.lists.stores || []).find((r) => r.id === store) || {}),
}, "/ws/group/wall").start();
