// API tokens: keys that let a script or another system (a DMS sync, say)
// use the API as the manager who made them. The server keeps only a hash,
// so a new token is shown here once, to be copied; the list names each
// token, who made it and when, and revoking one refuses its scripts from
// their next request.

import { t, el, api, form, notice, when, problemText } from "../staff/app.js";
import { startAdmin, field, input, table, secretOnce } from "../staff/kit.js";

// The header a script sends; it is the same in every language.
const header = "Authorization: Bearer …";

startAdmin(async (main) => {
  // The intro names the header as code, inside a sentence of the page's
  // language.
  const [before, after] = t("admin.tokens.intro", { header: "\u0000" }).split("\u0000");
  const intro = el("p", { class: "muted" }, before, el("code", {}, header), after);

  const create = el(
    "form",
    { novalidate: true, id: "new-token", class: "card" },
    el("h2", {}, t("admin.tokens.new_title")),
    field(t("admin.tokens.name"), input("name", "", { required: true, maxlength: 60, autocomplete: "off", placeholder: t("admin.tokens.name_example") })),
    el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary" }, t("admin.tokens.create"))),
  );
  // shown holds the one new token while the manager copies it; as a
  // toolbar it keeps its card clear of the list below, and takes no room
  // when empty.
  const shown = el("div", { id: "shown-token", class: "toolbar" });
  form(
    create,
    // Only commands replay an Idempotency-Key; a double click is held
    // back by form() itself, which sends one request at a time.
    () => api("POST", "/api/v1/tokens", { name: create.elements.name.value.trim() }),
    async (made) => {
      create.reset();
      show(made);
      await draw();
    },
  );

  const list = el("div", { id: "tokens" });
  // The new token shows across the page, above the list, where it is seen
  // at once and its whole length fits.
  main.append(el("h1", {}, t("admin.tokens.title")), intro, shown, el("div", { class: "split" }, list, create));

  // show puts a new token across the page, once: it is never fetched again.
  function show(made) {
    secretOnce(shown, "token", made.token, made.id, {
      label: t("admin.tokens.token"), title: t("admin.tokens.made", { name: made.name }), once: t("admin.tokens.once"),
      copy: t("admin.tokens.copy"), done: t("admin.tokens.done"), copied: t("admin.tokens.copied"), copyFailed: t("admin.tokens.copy_failed"),
    });
  }

  async function revoke(tok) {
    if (!confirm(t("admin.tokens.revoke_confirm", { name: tok.name }))) return;
    try {
      await api("DELETE", `/api/v1/tokens/${encodeURIComponent(tok.id)}`);
    } catch (e) {
      notice(problemText(e), "alert");
      return;
    }
    notice(t("admin.tokens.revoked", { name: tok.name }), "ok");
    if (shown.firstElementChild?.dataset.id === tok.id) shown.replaceChildren();
    await draw();
  }

  async function draw() {
    const [tokens, staff] = await Promise.all([api("GET", "/api/v1/tokens"), api("GET", "/api/v1/staff")]);
    const names = Object.fromEntries(staff.map((s) => [s.id, s.name]));
    const rows = tokens.map((tok) =>
      el(
        "tr",
        { dataset: { id: tok.id } },
        el("td", {}, el("strong", {}, tok.name)),
        el("td", {}, names[tok.user_id] || el("span", { class: "muted" }, t("admin.tokens.deactivated_user"))),
        el("td", {}, when(tok.created)),
        el("td", { class: "actions" }, el("button", { type: "button", class: "small danger", onclick: () => revoke(tok) }, t("admin.tokens.revoke"))),
      ),
    );
    list.replaceChildren(
      rows.length
        ? table([t("admin.tokens.name"), t("admin.tokens.made_by"), t("admin.tokens.created"), ""], rows)
        : el("p", { class: "muted card" }, t("admin.tokens.none")),
    );
  }
  await draw();
});
