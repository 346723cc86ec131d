// The customer messages: for each kind (the booking confirmation, the
// reminders a day and an hour before, the request to decide on extra
// work, "your car is ready", the follow-up survey) its text in Chinese and
// in English, the placeholders it may use, the code of the SMS template
// the shop registered with Alibaba Cloud, and a preview the server renders
// with sample values. Each kind is saved on its own; a refusal (an
// unknown placeholder, a brace left open, an empty or too long text)
// shows next to its text.
//
// Above them, the channels the messages go by: Alibaba Cloud SMS and the
// SMTP server. Their secrets (the access key secret, the password) are
// typed here and never shown again: the page learns only that one is set.
// Each channel shows its queue: the messages waiting, the last error, and
// the dead letters to retry or drop.

import { t, el, form, command, notice, api, when, problemText } from "../staff/app.js";
import { startAdmin, field, input, table } from "../staff/kit.js";

const langs = [["zh-CN", () => t("admin.messages.text_zh")], ["en", () => t("admin.messages.text_en")]];

startAdmin(async (main) => {
  const list = el("div", { class: "stack", id: "messages" });
  const senders = el("div", { class: "grid2", id: "senders" });
  main.append(el("h1", {}, t("admin.messages.title")),
    el("h2", {}, t("admin.messages.channels")), el("p", { class: "hint" }, t("admin.messages.channels_hint")), senders,
    el("p", { class: "hint" }, t("admin.messages.hint")), list);
  const draw = (templates) => list.replaceChildren(...templates.map(card));
  const drawSenders = async () => senders.replaceChildren(...(await api("GET", "/api/v1/message-senders")).senders.map(senderCard));
  // drawSender redraws one channel's card, so that saving or mending one
  // keeps what is being typed into the other.
  const drawSender = async (channel) => {
    const v = (await api("GET", "/api/v1/message-senders")).senders.find((s) => s.channel === channel);
    if (v) senders.querySelector(`#sender-${channel}`)?.replaceWith(senderCard(v));
  };

  // senderFields are a channel's settings; each names the field the
  // server's refusal names.
  const senderFields = {
    sms: (s) => [
      field(t("admin.messages.endpoint"), input("endpoint", s.endpoint, { type: "url", placeholder: t("admin.messages.endpoint_default"), "data-field": "sender.endpoint" })),
      field(t("admin.messages.access_key_id"), input("access_key_id", s.access_key_id, { autocomplete: "off", "data-field": "sender.access_key_id" })),
      field(t("admin.messages.sign_name"), input("sign_name", s.sign_name, { placeholder: t("admin.messages.sign_name_example"), "data-field": "sender.sign_name" })),
    ],
    email: (s) => [
      field(t("admin.messages.host"), input("host", s.host, { placeholder: "smtp.example.cn", "data-field": "sender.host" })),
      field(t("admin.messages.port"), input("port", s.port || 587, { type: "number", min: 1, max: 65535, "data-field": "sender.port" })),
      field(t("admin.messages.username"), input("username", s.username, { autocomplete: "off", "data-field": "sender.username" })),
      field(t("admin.messages.from"), input("from", s.from, { placeholder: t("admin.messages.from_example"), "data-field": "sender.from" })),
    ],
  };

  function senderCard(v) {
    const secretLabel = v.channel === "sms" ? t("admin.messages.access_key_secret") : t("admin.messages.password");
    const f = el("form", { novalidate: true, class: "card", id: `sender-${v.channel}`, "data-set": String(v.set) },
      el("h3", {}, v.channel === "sms" ? t("admin.messages.channel.sms") : t("admin.messages.channel.email")),
      ...senderFields[v.channel](v.sender),
      field(secretLabel, input("secret", "", { type: "password", autocomplete: "new-password", "data-field": "secret",
        placeholder: v.secret_set ? t("admin.messages.secret_kept") : "" })),
      el("p", { class: "hint", "data-secret-set": String(v.secret_set) }, v.secret_set ? t("admin.messages.secret_set") : t("admin.messages.secret_missing")),
      el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary" }, t("admin.save"))),
      queue(v));
    form(
      f,
      () => {
        const body = {};
        for (const e of f.elements) if (e.name) body[e.name] = e.name === "port" ? Number(e.value) : e.value.trim();
        return api("PUT", `/api/v1/message-senders/${v.channel}`, body);
      },
      async () => {
        notice(t("admin.saved"), "ok");
        await drawSender(v.channel);
      },
    );
    return f;
  }

  // queue says how a channel's messages stand: waiting, the last error,
  // and its dead letters.
  function queue(v) {
    const q = v.outbox;
    const path = `/api/v1/message-senders/${v.channel}`;
    const act = async (method, to, done) => {
      try {
        await api(method, to);
        notice(done, "ok");
      } catch (e) {
        notice(problemText(e), "alert");
      }
      await drawSender(v.channel);
    };
    const dead = q.dead.map((d) =>
      el("tr", { dataset: { key: d.key } },
        el("td", {}, d.message ? t(`admin.messages.kind.${d.message.kind}`) : d.event_type),
        el("td", {}, d.message?.to || ""),
        el("td", {}, d.last_error || ""),
        el("td", { class: "actions" },
          el("button", { type: "button", class: "small", onclick: () => act("POST", `${path}/dead/${d.key}/retry`, t("admin.webhooks.retried")) }, t("admin.webhooks.retry")),
          el("button", { type: "button", class: "small danger", onclick: () => confirm(t("admin.webhooks.drop_confirm")) && act("DELETE", `${path}/dead/${d.key}`, t("admin.webhooks.dropped")) }, t("admin.webhooks.drop")))));
    return el("div", { class: "queue", "data-backlog": String(q.backlog) },
      q.backlog > 0
        ? el("span", { class: "flag yellow backlog" }, t("admin.webhooks.backlog", { n: q.backlog }))
        : el("span", { class: "flag green backlog" }, t("admin.webhooks.up_to_date")),
      q.status?.last_error ? el("div", { class: "error" }, t("admin.webhooks.last_error", { at: when(q.status.last_error_at), error: q.status.last_error })) : null,
      dead.length ? table([t("admin.messages.kind_column"), t("admin.messages.to"), t("admin.webhooks.error"), ""], dead) : null);
  }

  await drawSenders();
  draw(await api("GET", "/api/v1/message-templates"));

  function card(m) {
    // Each text in a cell of its own, so a refusal shows under it.
    const text = (lang) =>
      el("div", { class: "cell" }, el("label", {}, el("span", {}, langs.find(([l]) => l === lang)[1]()),
        el("textarea", { name: `text-${lang}`, rows: 3, "data-field": `templates[0].texts.${lang}` }, m.texts[lang] || "")));
    const preview = el("div", { class: "preview", "data-preview": m.kind },
      langs.map(([lang]) => el("p", { "data-lang": lang }, m.preview[lang] || "")));
    const f = el("form", { novalidate: true, class: "card", "data-kind": m.kind },
      el("h2", {}, t(`admin.messages.kind.${m.kind}`)),
      el("p", { class: "placeholders" }, el("span", { class: "muted" }, t("admin.messages.placeholders")), " ",
        m.placeholders.map((p) => el("code", {}, `{${p}} `))),
      el("div", { class: "grid2" }, langs.map(([lang]) => text(lang))),
      el("label", {}, el("span", {}, t("admin.messages.sms_code")),
        el("input", { name: "sms_code", value: m.sms_code || "", placeholder: "SMS_123456789", "data-field": "templates[0].sms_code" })),
      el("p", { class: "hint" }, t("admin.messages.sms_hint")),
      el("h3", {}, t("admin.messages.preview")), preview,
      el("div", { class: "buttons" },
        el("button", { type: "button", "data-defaults": m.kind, onclick: () => langs.forEach(([lang]) => (f[`text-${lang}`].value = m.defaults[lang])) }, t("admin.messages.defaults")),
        el("button", { type: "submit", class: "primary" }, t("admin.save"))));
    form(
      f,
      (key) => {
        const texts = {};
        langs.forEach(([lang]) => (texts[lang] = f[`text-${lang}`].value));
        const tpl = { kind: m.kind, texts };
        if (f.sms_code.value.trim()) tpl.sms_code = f.sms_code.value.trim();
        return command({ type: "set_message_templates", templates: [tpl] }, key);
      },
      async () => {
        // The preview is the server's, rendered from what was saved.
        const saved = (await api("GET", "/api/v1/message-templates")).find((x) => x.kind === m.kind);
        preview.replaceChildren(...langs.map(([lang]) => el("p", { "data-lang": lang }, saved.preview[lang] || "")));
        notice(t("admin.saved"), "ok");
      },
    );
    return f;
  }
});
