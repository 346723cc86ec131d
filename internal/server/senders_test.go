package server

import (
	"testing"

	"bayboard/internal/shop"
)

// The senders are made from the shop's channel settings, and made again
// only when those or the SMS template codes change.
func TestMessageSendersFollowTheSettings(t *testing.T) {
	m := &messageSenders{log: nil}
	st := shop.NewState()
	if got := m.of(st); len(got) != 0 {
		t.Fatalf("no channel set: %v", got)
	}
	st.MessageSenders["sms"] = &shop.MessageSender{Channel: shop.ChannelSMS, AccessKeyID: "LTAI", SignName: "京华4S店", Secret: "s"}
	st.MessageSenders["email"] = &shop.MessageSender{Channel: shop.ChannelEmail, Host: "smtp.example.cn", Port: 587, Username: "u", From: "a@example.cn", Secret: "p"}
	first := m.of(st)
	if first["sms"] == nil || first["email"] == nil {
		t.Fatalf("both set: %v", first)
	}
	if again := m.of(st); again["sms"] != first["sms"] {
		t.Error("the same settings made a new SMS sender")
	}
	st.Settings.Messages = []shop.MessageTemplate{{Kind: shop.MsgCarReady, SMSCode: "SMS_1", Texts: shop.DefaultMessageTemplate(shop.MsgCarReady).Texts}}
	if again := m.of(st); again["sms"] == first["sms"] {
		t.Error("a new template code kept the old SMS sender")
	}
}
