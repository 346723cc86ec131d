// A badge's page (/k/badge/{token}): the phone or kiosk that scanned a
// technician's badge asks their PIN and signs them in on this device,
// then goes back to the bay page it last showed.

import { boot, signIn, t, el, tokenOf } from "./kiosk.js";

const token = tokenOf();
await boot({ title: () => t("kiosk.badge.title") });
const user = await signIn({ badgeToken: token });
const home = localStorage.getItem("bb.kiosk.home");
if (home) {
  location.replace(home);
} else {
  document.getElementById("main").replaceChildren(
    el("section", { class: "card done" },
      el("h1", { text: t("kiosk.badge.signed_in", { name: user.name }) }),
      el("p", { class: "hint", text: t("kiosk.bay.scan_hint") })));
}
