// The customer messages: for each kind (the booking confirmation, the
// reminders a day and an hour before, the request to decide on extra
// work, "your car is ready", the follow-up survey) its text in Chinese and
// in English, the placeholders it may use, the code of the SMS template
// the shop registered with Alibaba Cloud, and a preview the server renders
// with sample values. Each kind is saved on its own; a refusal (an
// unknown placeholder, a brace left open, an empty or too long text)
// shows next to its text.

import { t, el, form, command, notice, api } from "../staff/app.js";
import { startAdmin } from "../staff/kit.js";

const langs = [["zh-CN", () => t("admin.messages.text_zh")], ["en", () => t("admin.messages.text_en")]];

startAdmin(async (main) => {
  const list = el("div", { class: "stack", id: "messages" });
  main.append(el("h1", {}, t("admin.messages.title")), el("p", { class: "hint" }, t("admin.messages.hint")), list);
  const draw = (templates) => list.replaceChildren(...templates.map(card));
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
