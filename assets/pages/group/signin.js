// The group's sign-in: a login and password, slowed and then locked after
// failures as a store's staff are. A new account's one-time password asks
// for a new one at once.

import { start, api, t, el, field, showRefusal } from "./app.js";
import { useSession } from "../kit/api.js";

start(async (main) => {
  const login = field(t("group.login"), el("input", { name: "login", autocomplete: "username", required: true }));
  const password = field(t("group.password"), el("input", { name: "password", type: "password", autocomplete: "current-password", required: true }));
  const formError = el("p", { class: "form-error", role: "alert" });
  const form = el("form", { class: "card signin" }, el("h1", { text: t("group.title_signin") }), login.box, password.box, formError,
    el("button", { type: "submit", text: t("group.sign_in") }));
  main.append(form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const out = await api("POST", "/group/api/session", { login: login.input.value.trim(), password: password.input.value });
      useSession(out.csrf);
      if (out.user.must_change_password) {
        newPassword(main, password.input.value);
        return;
      }
      const next = new URLSearchParams(location.search).get("next") || "";
      location.href = next.startsWith("/group/") ? next : "/group/wall";
    } catch (err) {
      showRefusal(err, { login, password }, formError);
    }
  });
});

// newPassword asks the holder of a one-time password for their own.
function newPassword(main, current) {
  const fresh = field(t("group.new_password"), el("input", { name: "new", type: "password", autocomplete: "new-password", minlength: "10", required: true }));
  const formError = el("p", { class: "form-error", role: "alert" });
  const form = el("form", { class: "card signin" }, el("h1", { text: t("group.title_new_password") }),
    el("p", { class: "muted", text: t("group.new_password_hint") }), fresh.box, formError,
    el("button", { type: "submit", text: t("group.save") }));
  main.replaceChildren(form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", "/group/api/me/password", { old: current, new: fresh.input.value });
      location.href = "/group/wall";
    } catch (err) {
      showRefusal(err, { new: fresh }, formError);
    }
  });
}
