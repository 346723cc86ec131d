package web

import (
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// messageTemplate is one customer message as the admin's page shows it:
// the shop's texts, the placeholders the kind may use, the shipped texts
// to go back to, and a preview of each language rendered by the domain
// with sample values, so the page keeps no copy of the rule.
type messageTemplate struct {
	shop.MessageTemplate
	Placeholders []string          `json:"placeholders"`
	Defaults     map[string]string `json:"defaults"`
	Preview      map[string]string `json:"preview"`
}

// messageTemplates serves every kind's template, in the order of a visit.
func (s *Server) messageTemplates(c *fiber.Ctx) error {
	set := s.eng.State().Settings
	out := []messageTemplate{}
	for _, t := range set.MessageTemplates() {
		mt := messageTemplate{
			MessageTemplate: t,
			Placeholders:    shop.MessagePlaceholders(t.Kind),
			Defaults:        shop.DefaultMessageTemplate(t.Kind).Texts,
			Preview:         map[string]string{},
		}
		for _, lang := range shop.MessageLanguages {
			// A saved template always renders: its placeholders were
			// checked against the kind's, whose sample values exist.
			mt.Preview[lang], _ = set.Render(t.Kind, lang, shop.SampleMessageValues(set, lang))
		}
		out = append(out, mt)
	}
	return c.JSON(out)
}
