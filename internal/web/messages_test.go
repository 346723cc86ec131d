package web

import (
	"encoding/json"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// The customer messages through the API: the manager reads every kind
// with its placeholders and preview, a template naming a placeholder its
// kind may not use is refused on its field and changes nothing, a good
// one is saved and previewed; the advisor may not set them; a customer's
// message wishes go through put_customer.
func TestMessageTemplatesAPI(t *testing.T) {
	ts := newTestShop(t)
	mgr, adv := ts.tokens[shop.RoleManager], ts.tokens[shop.RoleAdvisor]
	type template struct {
		Kind         string            `json:"kind"`
		Texts        map[string]string `json:"texts"`
		SMSCode      string            `json:"sms_code"`
		Placeholders []string          `json:"placeholders"`
		Defaults     map[string]string `json:"defaults"`
		Preview      map[string]string `json:"preview"`
	}
	read := func() map[string]template {
		t.Helper()
		r := ts.call(t, nil, "GET", "/api/v1/message-templates", mgr, nil)
		if r.status != 200 {
			t.Fatalf("message-templates: %d %s", r.status, r.body)
		}
		var list []template
		r.json(t, &list)
		out := map[string]template{}
		for _, m := range list {
			out[m.Kind] = m
		}
		if len(list) != 6 || list[0].Kind != "booking_confirmation" || list[5].Kind != "followup_survey" {
			t.Fatalf("kinds: %+v", list)
		}
		return out
	}
	before := read()
	ready := before["car_ready"]
	if strings.Join(ready.Placeholders, ",") != "customer,plate,shop,address,phone,amount,pickup_hours" ||
		ready.Texts["zh-CN"] != ready.Defaults["zh-CN"] || !strings.Contains(ready.Preview["zh-CN"], "张伟") || strings.Contains(ready.Preview["en"], "{") {
		t.Fatalf("car_ready as shipped: %+v", ready)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/message-templates", adv, nil); r.status != 403 {
		t.Errorf("advisor reads templates: %d", r.status)
	}

	bad := map[string]any{"type": "set_message_templates", "templates": []map[string]any{{"kind": "car_ready",
		"texts": map[string]string{"zh-CN": "{customer}您好，{plate}已完工，行驶{mileage}公里", "en": "{customer}, your {plate} is ready."}}}}
	r := ts.call(t, nil, "POST", "/api/v1/commands", mgr, bad)
	var problem struct {
		Fields []shop.FieldError `json:"errors"`
	}
	_ = json.Unmarshal(r.body, &problem)
	if r.status != 400 || len(problem.Fields) != 1 || problem.Fields[0].Field != "templates[0].texts.zh-CN" ||
		problem.Fields[0].Message != "names {mileage}, which this message cannot use" {
		t.Fatalf("unknown placeholder: %d %s", r.status, r.body)
	}
	if after := read()["car_ready"]; after.Texts["zh-CN"] != ready.Texts["zh-CN"] {
		t.Fatalf("the refusal changed the template: %q", after.Texts["zh-CN"])
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, bad); r.status != 403 {
		t.Errorf("advisor sets templates: %d %s", r.status, r.body)
	}

	good := map[string]any{"type": "set_message_templates", "templates": []map[string]any{{"kind": "car_ready", "sms_code": "SMS_465123001",
		"texts": map[string]string{"zh-CN": "{customer}您好，{plate}已完工，合计{amount}元。", "en": "{customer}, your {plate} is ready: {amount}."}}}}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", mgr, good); r.status != 200 {
		t.Fatalf("good template: %d %s", r.status, r.body)
	}
	after := read()
	if got := after["car_ready"]; got.Preview["zh-CN"] != "张伟您好，京A·12345已完工，合计1,280.00元。" || got.Preview["en"] != "Mr Zhang Wei, your 京A·12345 is ready: 1,280.00." || got.SMSCode != "SMS_465123001" {
		t.Errorf("saved car_ready: %+v", got)
	}
	if after["reminder_24h"].Texts["en"] != before["reminder_24h"].Texts["en"] {
		t.Error("another kind changed")
	}

	// The customer's wishes, through put_customer, and read back.
	wishes := map[string]any{"channel": "email", "email": "zhang@example", "quiet_from": "22:00", "quiet_to": "07:00"}
	put := map[string]any{"type": "put_customer", "customer": map[string]any{"id": "cu-1", "name": "张先生", "phone": "13812345678", "messages": wishes}}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, put); r.status == 200 || !strings.Contains(string(r.body), "customer.messages.email") {
		t.Fatalf("bad e-mail: %d %s", r.status, r.body)
	}
	wishes["email"] = "zhang@example.cn"
	wishes["opted_out"] = map[string]any{"way": "phone"}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, put); r.status != 200 {
		t.Fatalf("wishes: %d %s", r.status, r.body)
	}
	cu := ts.eng.State().Customers["cu-1"]
	if p := cu.Prefs(); p.Email != "zhang@example.cn" || p.Channel != shop.ChannelEmail || p.QuietFrom != "22:00" || p.OptedOut == nil || !p.OptedOut.At.Equal(t0) || shop.MayMessage(cu, shop.MsgCarReady) {
		t.Errorf("stored: %+v", p)
	}
	// The technician, who may not see contact data, reads no address.
	var seen []shop.Customer
	ts.call(t, nil, "GET", "/api/v1/customers", ts.tokens[shop.RoleTechnician], nil).json(t, &seen)
	for _, c := range seen {
		if c.Messages != nil && c.Messages.Email != "" {
			t.Errorf("the floor reads %s's e-mail address", c.ID)
		}
	}
}
