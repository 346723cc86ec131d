// Webhooks: the shop's other systems (a DMS, a CRM, a WeChat
// service-account relay) hear of bookings, arrivals, findings, ready cars
// and deliveries as they happen. The manager adds a URL with the events it
// wants; the server makes its signing secret, shown here once, to be
// copied. The list shows each webhook's queue: how many events wait, the
// oldest, the last error and the last success, and the dead letters (events
// that failed every try) to retry or drop.

import { t, el, api, form, notice, when, problemText } from "../staff/app.js";
import { startAdmin, field, input, check, checks, checked, table, secretOnce } from "../staff/kit.js";

startAdmin(async (main) => {
  let eventTypes = [];
  const typeName = (type) => t(`admin.webhooks.event.${type}`);

  const create = el("form", { novalidate: true, id: "new-webhook", class: "card" });
  const shown = el("div", { id: "shown-secret", class: "toolbar" });
  const list = el("div", { id: "webhooks" });
  const side = el("div", {}, create, el("div", { id: "edit-webhook" }));
  main.append(el("h1", {}, t("admin.webhooks.title")), el("p", { class: "muted" }, t("admin.webhooks.intro")), shown, el("div", { class: "split" }, list, side));

  // hookFields are a webhook's name, URL, events and whether it is on.
  const hookFields = (w) => [
    field(t("admin.webhooks.name"), input("name", w?.name, { required: true, maxlength: 60, autocomplete: "off", placeholder: t("admin.webhooks.name_example") })),
    field(t("admin.webhooks.url"), input("url", w?.url, { type: "url", required: true, maxlength: 500, autocomplete: "off", placeholder: t("admin.webhooks.url_example") })),
    el("span", { class: "hint" }, t("admin.webhooks.events")),
    checks("event", eventTypes.map((e) => [e.type, typeName(e.type)]), w?.events || [], "events"),
    check("active", t("admin.webhooks.active"), w ? w.active : true),
  ];
  const hookOf = (f) => ({ name: f.elements.name.value.trim(), url: f.elements.url.value.trim(), events: checked(f, "event"), active: f.elements.active.checked });

  function drawCreate() {
    create.replaceChildren(
      el("h2", {}, t("admin.webhooks.new_title")),
      ...hookFields(null),
      el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary" }, t("admin.webhooks.create"))),
    );
  }
  form(
    create,
    () => api("POST", "/api/v1/webhooks", hookOf(create)),
    async (made) => {
      drawCreate();
      show(made);
      await draw();
    },
  );

  // show puts a new secret across the page, once: it is never fetched
  // again.
  function show(made) {
    secretOnce(shown, "secret", made.secret, made.webhook.id, {
      label: t("admin.webhooks.secret"), title: t("admin.webhooks.secret_for", { name: made.webhook.name }), once: t("admin.webhooks.once"),
      copy: t("admin.webhooks.copy"), done: t("admin.webhooks.done"), copied: t("admin.webhooks.copied"), copyFailed: t("admin.webhooks.copy_failed"),
    });
  }

  function edit(w) {
    const f = el(
      "form",
      { novalidate: true, class: "card", id: "webhook-form", dataset: { id: w.id } },
      el("h2", {}, t("admin.webhooks.edit", { name: w.name })),
      ...hookFields(w),
      el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary" }, t("admin.save")), el("button", { type: "button", onclick: () => f.remove() }, t("admin.cancel"))),
    );
    form(
      f,
      () => api("PUT", `/api/v1/webhooks/${encodeURIComponent(w.id)}`, hookOf(f)),
      async () => {
        notice(t("admin.saved"), "ok");
        f.remove();
        await draw();
      },
    );
    side.querySelector("#edit-webhook").replaceChildren(f);
    f.elements.name.focus();
  }

  // act sends one change and draws the list again; a refusal is said.
  async function act(method, path, done, confirmText) {
    if (confirmText && !confirm(confirmText)) return;
    let out;
    try {
      out = await api(method, path);
    } catch (e) {
      notice(problemText(e), "alert");
      return;
    }
    if (done) done(out);
    await draw();
  }
  const hookPath = (w) => `/api/v1/webhooks/${encodeURIComponent(w.id)}`;

  // queueState says in a few words how a webhook's deliveries stand.
  function queueState(w) {
    const out = [];
    if (!w.active) out.push(el("span", { class: "flag" }, t("admin.webhooks.paused")));
    if (w.backlog > 0) {
      out.push(el("span", { class: "flag yellow backlog" }, t("admin.webhooks.backlog", { n: w.backlog })));
      out.push(el("div", { class: "muted" }, t("admin.webhooks.oldest", { at: when(w.oldest.queued), tries: w.oldest.tries })));
    } else {
      out.push(el("span", { class: "flag green backlog" }, t("admin.webhooks.up_to_date")));
    }
    if (w.dead.length) out.push(el("span", { class: "flag red" }, t("admin.webhooks.dead_count", { n: w.dead.length })));
    return out;
  }

  function lastTries(w) {
    const s = w.status || {};
    return [
      el("div", {}, s.last_success ? t("admin.webhooks.last_success", { at: when(s.last_success) }) : el("span", { class: "muted" }, t("admin.webhooks.never_delivered"))),
      s.last_error ? el("div", { class: "error" }, t("admin.webhooks.last_error", { at: when(s.last_error_at), error: s.last_error })) : null,
    ];
  }

  function deadLetters(w) {
    if (!w.dead.length) return null;
    const rows = w.dead.map((d) =>
      el(
        "tr",
        { dataset: { key: d.key } },
        el("td", {}, typeName(d.event_type)),
        el("td", {}, `#${d.event_seq}`),
        el("td", {}, String(d.tries)),
        el("td", {}, d.last_error || ""),
        el(
          "td",
          { class: "actions" },
          el("button", { type: "button", class: "small", onclick: () => act("POST", `${hookPath(w)}/dead/${d.key}/retry`, () => notice(t("admin.webhooks.retried"), "ok")) }, t("admin.webhooks.retry")),
          el("button", { type: "button", class: "small danger", onclick: () => act("DELETE", `${hookPath(w)}/dead/${d.key}`, () => notice(t("admin.webhooks.dropped"), "ok"), t("admin.webhooks.drop_confirm")) }, t("admin.webhooks.drop")),
        ),
      ),
    );
    return el(
      "details",
      { class: "dead-letters" },
      el("summary", {}, t("admin.webhooks.dead_title", { name: w.name })),
      table([t("admin.webhooks.event"), t("admin.webhooks.seq"), t("admin.webhooks.tries"), t("admin.webhooks.error"), ""], rows),
    );
  }

  async function draw() {
    const got = await api("GET", "/api/v1/webhooks");
    if (!eventTypes.length) {
      eventTypes = got.event_types;
      drawCreate();
    }
    const rows = got.webhooks.map((w) =>
      el(
        "tr",
        { class: w.active ? null : "inactive", dataset: { id: w.id } },
        el("td", {}, el("strong", {}, w.name), el("div", { class: "muted url" }, w.url), el("div", { class: "hint" }, w.events.map(typeName).join(t("admin.webhooks.list_sep")))),
        el("td", { class: "queue" }, queueState(w)),
        el("td", { class: "tries" }, lastTries(w)),
        el(
          "td",
          { class: "actions" },
          el("button", { type: "button", class: "small", onclick: () => edit(w) }, t("admin.edit")),
          el("button", { type: "button", class: "small", onclick: () => act("POST", `${hookPath(w)}/secret`, show, t("admin.webhooks.rotate_confirm", { name: w.name })) }, t("admin.webhooks.rotate")),
          el("button", { type: "button", class: "small danger", onclick: () => act("DELETE", hookPath(w), () => notice(t("admin.webhooks.removed", { name: w.name }), "ok"), t("admin.webhooks.remove_confirm", { name: w.name })) }, t("admin.webhooks.remove")),
        ),
      ),
    );
    const dead = got.webhooks.map(deadLetters).filter(Boolean);
    list.replaceChildren(
      rows.length
        ? table([t("admin.webhooks.webhook"), t("admin.webhooks.queue"), t("admin.webhooks.deliveries"), ""], rows)
        : el("p", { class: "muted card" }, t("admin.webhooks.none")),
      ...dead,
    );
  }
  await draw();
});
