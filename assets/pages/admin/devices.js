// The shop's screens. A TV or kiosk that is not paired shows a six-digit
// code; the manager types it here, names the screen and chooses what it
// shows and in which language. A paired screen can be renamed, given
// other views or revoked (it then shows a code again).

import { t, el, api, form, notice, when } from "../staff/app.js";
import { startAdmin, field, input, select, checks, checked, table, setupWarnings } from "../staff/kit.js";

startAdmin(async (main) => {
  const views = [
    ["workshop", t("admin.view.workshop")],
    ["lounge", t("admin.view.lounge")],
    ["appointments", t("admin.view.appointments")],
    ["parts", t("admin.view.parts")],
    ["wash", t("admin.view.wash")],
    ["advisor", t("admin.view.advisor")],
    ["kiosk", t("admin.view.kiosk")],
  ];
  const viewName = Object.fromEntries(views);
  const langs = [["zh-CN", "中文"], ["en", "English"]];

  // screenFields are the name, views and language of a screen.
  const screenFields = (d) => [
    field(t("admin.devices.name"), input("name", d?.name, { required: true, maxlength: 60 })),
    el("span", { class: "hint" }, t("admin.devices.views")),
    checks("view", views, d?.views?.length ? d.views : [], "views"),
    field(t("admin.devices.lang"), select("lang", langs, d?.lang || "zh-CN")),
  ];
  const screenOf = (f) => ({ name: f.elements.name.value.trim(), views: checked(f, "view"), lang: f.elements.lang.value });

  const code = input("code", "", { class: "code-input", inputmode: "numeric", maxlength: 7, autocomplete: "off", placeholder: "000000" });
  const approve = el(
    "form",
    { novalidate: true, id: "approve", class: "card" },
    el("h2", {}, t("admin.devices.approve_title")),
    el("p", { class: "hint" }, t("admin.devices.approve_hint")),
    field(t("admin.devices.code"), code),
    ...screenFields(null),
    el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary" }, t("admin.devices.approve"))),
  );
  form(
    approve,
    (key) => {
      const c = code.value.replace(/\D/g, "");
      if (c.length !== 6) {
        const e = new Error(t("admin.devices.code_invalid"));
        e.fields = [{ field: "code", message: t("admin.devices.code_invalid") }];
        throw e;
      }
      return api("POST", "/api/v1/devices/approve", { code: c, ...screenOf(approve) }, { "Idempotency-Key": key });
    },
    async (d) => {
      notice(t("admin.devices.approved", { name: d.name }), "ok");
      approve.reset();
      await draw();
    },
  );

  const list = el("div", { id: "devices" });
  const side = el("div", {}, approve, el("div", { id: "edit-device" }));
  const warnings = setupWarnings("screens");
  main.append(el("h1", {}, t("admin.devices.title")), warnings, el("div", { class: "split" }, list, side));

  function edit(d) {
    const f = el(
      "form",
      { novalidate: true, class: "card", id: "device-form", dataset: { id: d.id } },
      el("h2", {}, t("admin.devices.edit", { name: d.name })),
      ...screenFields(d),
      el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary" }, t("admin.save")), el("button", { type: "button", onclick: () => f.remove() }, t("admin.cancel"))),
    );
    form(
      f,
      () => api("POST", `/api/v1/devices/${encodeURIComponent(d.id)}`, screenOf(f)),
      async () => {
        notice(t("admin.saved"), "ok");
        f.remove();
        await draw();
      },
    );
    side.querySelector("#edit-device").replaceChildren(f);
    f.elements.name.focus();
  }

  async function revoke(d) {
    if (!confirm(t("admin.devices.revoke_confirm", { name: d.name || d.id }))) return;
    await api("DELETE", `/api/v1/devices/${encodeURIComponent(d.id)}`);
    notice(t("admin.devices.revoked", { name: d.name || d.id }), "ok");
    await draw();
  }

  async function draw() {
    const [devices] = await Promise.all([api("GET", "/api/v1/devices"), warnings.refresh()]);
    const state = (d) =>
      d.revoked
        ? el("span", { class: "flag" }, t("admin.devices.state_revoked"))
        : d.approved
          ? el("span", { class: "flag green" }, t("admin.devices.state_paired"))
          : el("span", { class: "flag yellow" }, t("admin.devices.state_pending"));
    const rows = devices
      .filter((d) => !d.revoked)
      .concat(devices.filter((d) => d.revoked))
      .map((d) =>
        el(
          "tr",
          { class: d.revoked ? "inactive" : null, dataset: { id: d.id } },
          el("td", {}, el("strong", {}, d.name || "—")),
          el("td", {}, state(d), d.kiosk ? el("span", { class: "flag blue" }, t("admin.view.kiosk")) : null),
          el("td", {}, d.approved ? "" : el("span", { class: "plate" }, d.code || "")),
          el("td", {}, (d.views || []).map((v) => viewName[v] || v).join("、")),
          el("td", {}, d.lang || ""),
          el("td", {}, when(d.created)),
          el(
            "td",
            { class: "actions" },
            !d.revoked && !d.approved
              ? el("button", { type: "button", class: "small", onclick: () => { code.value = d.code; approve.elements.name.value = d.name || ""; approve.elements.name.focus(); } }, t("admin.devices.use_code"))
              : null,
            !d.revoked && d.approved ? el("button", { type: "button", class: "small", onclick: () => edit(d) }, t("admin.edit")) : null,
            !d.revoked ? el("button", { type: "button", class: "small danger", onclick: () => revoke(d) }, t("admin.devices.revoke")) : null,
          ),
        ),
      );
    list.replaceChildren(
      rows.length
        ? table([t("admin.devices.name"), t("admin.devices.state"), t("admin.devices.code"), t("admin.devices.views"), t("admin.devices.lang"), t("admin.devices.created"), ""], rows)
        : el("p", { class: "muted card" }, t("admin.devices.none")),
    );
  }
  await draw();
});
