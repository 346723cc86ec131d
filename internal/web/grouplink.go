package web

import (
	"bayboard/internal/grouplink"
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// GroupLinkStatus is the dealer group link's state, as the publisher
// (internal/grouplink) keeps it.
type GroupLinkStatus interface {
	Status() grouplink.Status
}

// groupLinkView is the link as the admin shows it: its settings, whether
// its secret is set (never the secret), and its state.
type groupLinkView struct {
	Link      shop.GroupLink   `json:"link"`
	Set       bool             `json:"set"`
	SecretSet bool             `json:"secret_set"`
	Status    grouplink.Status `json:"status"`
}

func (s *Server) groupLinkView() groupLinkView {
	v := groupLinkView{Link: shop.GroupLink{}}
	if l := s.eng.State().GroupLink; l != nil {
		v.Link, v.Set, v.SecretSet = *l, true, l.SecretSet()
	}
	if s.groupLink != nil {
		v.Status = s.groupLink.Status()
	}
	return v
}

// getGroupLink answers the link's settings and state.
func (s *Server) getGroupLink(c *fiber.Ctx) error {
	return c.JSON(s.groupLinkView())
}

// groupLinkRequest is what the admin sends: the link's settings and, when
// it changes, the secret, which no answer gives back.
type groupLinkRequest struct {
	URLs        string `json:"urls"`
	StoreID     string `json:"store_id"`
	Username    string `json:"username"`
	Secret      string `json:"secret"`
	ClearSecret bool   `json:"clear_secret"`
	Contacts    bool   `json:"contacts"`
	Active      bool   `json:"active"`
}

func (s *Server) putGroupLink(c *fiber.Ctx) error {
	var req groupLinkRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	cmd := &shop.PutGroupLink{Link: shop.GroupLink{URLs: req.URLs, StoreID: req.StoreID, Username: req.Username,
		Contacts: req.Contacts, Active: req.Active}, Secret: req.Secret, ClearSecret: req.ClearSecret}
	if _, err := s.eng.Do(c.UserContext(), whoOf(c).actor, cmd); err != nil {
		return err
	}
	return c.JSON(s.groupLinkView())
}
