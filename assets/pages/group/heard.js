// When a store was last heard from, as the wall says it, in one place for
// every page that says it (the wall's rows and the drill-down's band).
// The server decides the minutes and whether the store is silent (board's
// GroupSilentAfter); a page only puts them into words.

import { t } from "../i18n.js";

// lastHeard says how long ago a wall row's store was last heard from.
export function lastHeard(row) {
  if (row.silent_minutes === undefined || row.silent_minutes === null) return t("group.wall.never");
  return row.silent_minutes < 1 ? t("group.wall.just_now") : t("group.wall.minutes_ago", { n: row.silent_minutes });
}

// silentBadge is the mark of a store the wall flags as silent.
export function silentBadge(el) {
  return el("span", { class: "badge silent-badge", text: t("group.wall.silent_badge") });
}
