package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"sort"
	"strconv"

	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// Outbox is the store's outbox as the admin reads and mends it.
type Outbox interface {
	Outbox(dest string) (shop.OutboxView, error)
	// OutboxRetry puts a dead letter back in its queue (and wakes the
	// worker); OutboxDrop removes it. Both answer ErrNoEntry for a letter
	// that is not there.
	OutboxRetry(dest string, key uint64) error
	OutboxDrop(dest string, key uint64) error
}

// ErrNoEntry is what an Outbox answers for a dead letter that is not
// there; cmd/bayboard's wiring maps the store's to it.
var ErrNoEntry = errors.New("no such dead letter")

// webhookView is a webhook with its queue, as the admin lists it: never its
// secret.
type webhookView struct {
	*shop.Webhook
	shop.OutboxView
}

func (s *Server) listWebhooks(c *fiber.Ctx) error {
	if s.outbox == nil {
		return problem(c, CodeNotFound, "the outbox is not set up")
	}
	hooks := []webhookView{}
	for _, w := range s.eng.State().Webhooks {
		if w.Removed {
			continue
		}
		v, err := s.outbox.Outbox(w.ID)
		if err != nil {
			return err
		}
		hooks = append(hooks, webhookView{w, v})
	}
	sort.Slice(hooks, func(i, j int) bool {
		return hooks[i].Name < hooks[j].Name || hooks[i].Name == hooks[j].Name && hooks[i].ID < hooks[j].ID
	})
	return c.JSON(fiber.Map{"event_types": shop.WebhookEventTypes, "webhooks": hooks})
}

// webhookRequest is what the admin sends for a webhook.
type webhookRequest struct {
	Name   string   `json:"name"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Active *bool    `json:"active"`
}

func (r webhookRequest) webhook(id string) shop.Webhook {
	active := r.Active == nil || *r.Active
	return shop.Webhook{ID: id, Name: r.Name, URL: r.URL, Events: r.Events, Active: active}
}

// newSecret is a webhook's signing secret: 32 random bytes, hex.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// putWebhook gives the command and answers the webhook, with its secret
// when the command set a new one: the one time it is shown.
func (s *Server) putWebhook(c *fiber.Ctx, cmd *shop.PutWebhook, status int) error {
	ev, err := s.eng.Do(c.UserContext(), whoOf(c).actor, cmd)
	if err != nil {
		return err
	}
	out := fiber.Map{"webhook": s.eng.State().Webhooks[ev.Subject]}
	if cmd.Secret != "" {
		out["secret"] = cmd.Secret
	}
	return c.Status(status).JSON(out)
}

func (s *Server) createWebhook(c *fiber.Ctx) error {
	var req webhookRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	return s.putWebhook(c, &shop.PutWebhook{Webhook: req.webhook(""), Secret: newSecret()}, fiber.StatusCreated)
}

func (s *Server) updateWebhook(c *fiber.Ctx) error {
	var req webhookRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	return s.putWebhook(c, &shop.PutWebhook{Webhook: req.webhook(c.Params("id"))}, fiber.StatusOK)
}

// rotateWebhookSecret gives a webhook a new secret, shown once; the old
// one signs nothing from now on.
func (s *Server) rotateWebhookSecret(c *fiber.Ctx) error {
	w := s.eng.State().Webhooks[c.Params("id")]
	if w == nil || w.Removed {
		return problem(c, CodeNotFound, "no webhook "+c.Params("id"))
	}
	return s.putWebhook(c, &shop.PutWebhook{Webhook: *w, Secret: newSecret()}, fiber.StatusOK)
}

func (s *Server) removeWebhook(c *fiber.Ctx) error {
	if _, err := s.eng.Do(c.UserContext(), whoOf(c).actor, &shop.RemoveWebhook{ID: c.Params("id")}); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) retryDeadLetter(c *fiber.Ctx) error { return s.mendDeadLetter(c, true) }

func (s *Server) dropDeadLetter(c *fiber.Ctx) error { return s.mendDeadLetter(c, false) }

// mendDeadLetter retries a dead letter or drops it.
func (s *Server) mendDeadLetter(c *fiber.Ctx, retry bool) error {
	if s.outbox == nil {
		return problem(c, CodeNotFound, "the outbox is not set up")
	}
	mend := s.outbox.OutboxDrop
	if retry {
		mend = s.outbox.OutboxRetry
	}
	id := c.Params("id")
	if channel := c.Params("channel"); channel != "" {
		id = channel
		if !slices.Contains(shop.MessageDestinations, id) {
			return problem(c, CodeNotFound, "no message channel "+id)
		}
	} else if w := s.eng.State().Webhooks[id]; w == nil || w.Removed {
		return problem(c, CodeNotFound, "no webhook "+id)
	}
	key, err := strconv.ParseUint(c.Params("key"), 10, 64)
	if err != nil {
		return problem(c, CodeInvalid, "not a dead letter's key", shop.FieldError{Field: "key", Message: "is not a number"})
	}
	if err := mend(id, key); errors.Is(err, ErrNoEntry) {
		return problem(c, CodeNotFound, "no dead letter "+c.Params("key")+" of "+id)
	} else if err != nil {
		return err
	}
	s.log.Info("outbox: dead letter mended", "destination", id, "key", key, "by", whoOf(c).actor.UserID, "retry", retry)
	return c.SendStatus(fiber.StatusNoContent)
}
