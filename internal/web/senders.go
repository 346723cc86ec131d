package web

import (
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// senderView is a customer messages' channel as the admin lists it: its
// settings, whether its secret is set (never the secret), and its queue.
type senderView struct {
	Channel   string              `json:"channel"`
	Sender    *shop.MessageSender `json:"sender"`
	Set       bool                `json:"set"`
	SecretSet bool                `json:"secret_set"`
	Outbox    shop.OutboxView     `json:"outbox"`
}

// listMessageSenders answers each channel, set up or not, with its queue:
// messages wait in a channel's queue until it is set up.
func (s *Server) listMessageSenders(c *fiber.Ctx) error {
	if s.outbox == nil {
		return problem(c, CodeNotFound, "the outbox is not set up")
	}
	out := []senderView{}
	senders := s.eng.State().MessageSenders
	for _, ch := range shop.MessageDestinations {
		v, err := s.outbox.Outbox(ch)
		if err != nil {
			return err
		}
		m := senders[ch]
		view := senderView{Channel: ch, Sender: m, Set: m != nil, SecretSet: m != nil && m.SecretSet(), Outbox: v}
		if m == nil {
			view.Sender = &shop.MessageSender{Channel: shop.MessageChannel(ch)}
		}
		out = append(out, view)
	}
	return c.JSON(fiber.Map{"senders": out})
}

// senderRequest is what the admin sends for a channel: its settings and,
// when it changes, the secret (the SMS access key secret, the SMTP
// password), which no answer gives back.
type senderRequest struct {
	Endpoint    string `json:"endpoint"`
	AccessKeyID string `json:"access_key_id"`
	SignName    string `json:"sign_name"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	Username    string `json:"username"`
	From        string `json:"from"`
	Secret      string `json:"secret"`
}

func (s *Server) putMessageSender(c *fiber.Ctx) error {
	var req senderRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	cmd := &shop.PutMessageSender{Sender: shop.MessageSender{Channel: shop.MessageChannel(c.Params("channel")),
		Endpoint: req.Endpoint, AccessKeyID: req.AccessKeyID, SignName: req.SignName,
		Host: req.Host, Port: req.Port, Username: req.Username, From: req.From}, Secret: req.Secret}
	ev, err := s.eng.Do(c.UserContext(), whoOf(c).actor, cmd)
	if err != nil {
		return err
	}
	m := s.eng.State().MessageSenders[ev.Subject]
	return c.JSON(fiber.Map{"sender": m, "secret_set": m.SecretSet()})
}
